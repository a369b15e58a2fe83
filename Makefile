# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: demo test build release

demo: build
	rm -rf sql-examples/out
	.build/debug/rivulet run sql-examples/pageviews_per_minute.sql
	sqlite3 -header -column sql-examples/out/pageviews.db \
	    'SELECT * FROM pageviews_per_minute ORDER BY window_start, page'

test:
	bash .ci/run

build:
	scripts/install-deps
	swift build

release:
	scripts/install-deps
	swift build -c release
