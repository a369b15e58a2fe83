# Build with the Swift toolchain, run on slim Debian with only the shared libraries.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends librdkafka-dev libsqlite3-dev libpq-dev libreadline-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
RUN swift build -c release --static-swift-stdlib --product rivulet \
 && cp "$(swift build -c release --show-bin-path)/rivulet" /usr/local/bin/rivulet

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends librdkafka1 libsqlite3-0 libpq5 libreadline8 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data rivulet \
 && mkdir -p /data && chown rivulet /data
COPY --from=build /usr/local/bin/rivulet /usr/local/bin/rivulet
COPY sql-examples /usr/share/rivulet/sql-examples
USER rivulet
WORKDIR /data
VOLUME /data
EXPOSE 5433 8080
ENTRYPOINT ["rivulet"]
# Listening on every address needs users: create /data/users.txt first with
#   docker run --rm -it -v rivulet-data:/data IMAGE user add NAME --role admin --file /data/users.txt
CMD ["serve", "--data-dir", "/data", "--listen", "0.0.0.0", "--users", "/data/users.txt"]
