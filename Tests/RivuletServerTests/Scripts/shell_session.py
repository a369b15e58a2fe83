"""Drives `rivulet shell` in a pseudo-terminal as a user would, against a running server.

usage: shell_session.py RIVULET_BINARY PORT HOME_DIR

Each step waits for what the user would see; a step that does not show up within the timeout
fails the script (non-zero exit) with pexpect's description of what was on screen instead.
"""
import subprocess
import sys

import pexpect

binary, port, home = sys.argv[1], sys.argv[2], sys.argv[3]
environment = {"HOME": home, "TERM": "xterm", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}


def spawn():
    shell = pexpect.spawn(binary, ["shell", "--port", port], env=environment, encoding="utf-8",
                          timeout=15, dimensions=(40, 160))
    shell.logfile_read = sys.stdout
    shell.expect_exact("Type \\? for help")
    shell.expect_exact("rivulet=> ")
    return shell


def step(name):
    print(f"\n### {name}", flush=True)


shell = spawn()

step("a statement over two lines, with a ';' inside a string, and the continuation prompt")
shell.sendline("CREATE STREAM clicks (user_id INT, page VARCHAR);")
shell.expect_exact("CREATE STREAM")
shell.expect_exact("rivulet=> ")
shell.sendline("INSERT INTO clicks VALUES (1, 'home;page'),")
shell.expect_exact("rivulet-> ")
shell.sendline("  (2, 'cart');")
shell.expect_exact("INSERT 0 2")
shell.expect_exact("rivulet=> ")

step("tab completes a stream name; a push query prints its header, then rows as they arrive")
shell.send("SELECT user_id, UPPER(page) AS page FROM cli\t")
shell.expect_exact("clicks ")
shell.sendline("EMIT CHANGES;")
shell.expect(r"user_id \|\s+page")
shell.expect(r"-+\+-+")
shell.expect(r"1 \| HOME;PAGE")
shell.expect(r"2 \| CART")
# Another client appends a row while the push query runs (the shell again, reading a pipe).
subprocess.run([binary, "shell", "--port", port], input="INSERT INTO clicks VALUES (3, 'checkout');\n",
               text=True, check=True, env=environment, capture_output=True, timeout=30)
shell.expect(r"3 \| CHECKOUT")

step("Ctrl-C cancels the push query and the shell carries on")
shell.sendintr()
shell.expect_exact("(3 rows)")
shell.expect_exact("Query cancelled.")
shell.expect_exact("rivulet=> ")
shell.sendline("SELECT user_id, page FROM clicks;")
shell.expect_exact("(3 rows)")
shell.expect_exact("rivulet=> ")

step("an error shows its SQLSTATE and a caret under the word")
shell.sendline("SELECT page FORM clicks;")
shell.expect_exact("ERROR 42601: ")
shell.expect_exact("SELECT page FORM clicks")
shell.expect_exact("\r\n            ^^^^\r\n")
shell.expect_exact("rivulet=> ")

step("up arrow recalls the last statement; Ctrl-C at the prompt discards it")
shell.send("\x1b[A")
shell.expect_exact("SELECT page FORM clicks;")
shell.sendintr()
shell.expect_exact("rivulet=> ")
shell.sendline("\\d clicks")
shell.expect(r"user_id\s+\| INT")
shell.expect_exact("rivulet=> ")

step("tab completes the WITH options of the connector being declared, as the server lists them")
shell.send("CREATE STREAM t (a INT) WITH (connector = 'file', for\t")
shell.expect_exact("format ")
shell.sendintr()
shell.expect_exact("rivulet=> ")

step("\\i runs a script, and tab completes its file name")
with open(f"{home}/list_streams.sql", "w") as script:
    script.write("-- what is there\nSHOW STREAMS;\n")
shell.send(f"\\i {home}/list_st\t")
shell.expect_exact("list_streams.sql ")
shell.send("\r")
shell.expect(r"clicks\s+\| embedded")
shell.expect_exact("(1 row)")
shell.expect_exact("rivulet=> ")

step("\\x shows one block per record")
shell.sendline("\\x on")
shell.expect_exact("Expanded display is on.")
shell.sendline("SELECT user_id, page FROM clicks WHERE user_id = 3;")
shell.expect_exact("-[ RECORD 1 ]")
shell.expect(r"page\s+\| checkout")
shell.expect_exact("rivulet=> ")

step("Ctrl-D leaves")
shell.sendeof()
shell.expect(pexpect.EOF)
shell.close()
if shell.exitstatus != 0:
    sys.exit(f"shell exited with {shell.exitstatus}")

step("history survives a restart of the shell")
shell = spawn()
shell.send("\x1b[A")
shell.expect_exact("SELECT user_id, page FROM clicks WHERE user_id = 3;")
shell.send("\r")
shell.expect(r"3 \| checkout")
shell.expect_exact("(1 row)")
shell.expect_exact("rivulet=> ")
shell.sendline("\\q")
shell.expect(pexpect.EOF)
shell.close()
if shell.exitstatus != 0:
    sys.exit(f"shell exited with {shell.exitstatus}")
print("\nshell session OK", flush=True)
