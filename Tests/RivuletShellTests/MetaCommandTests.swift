import RivuletShell
import Testing

struct MetaCommandTests {
    @Test func parsesTheCommandsAndTheirArguments() {
        #expect(MetaCommand(parsing: "\\q") == .quit)
        #expect(MetaCommand(parsing: "\\?") == .help)
        #expect(MetaCommand(parsing: "\\d") == .describe(nil))
        #expect(MetaCommand(parsing: "\\d  clicks ") == .describe("clicks"))
        #expect(MetaCommand(parsing: "\\queries") == .queries)
        #expect(MetaCommand(parsing: "\\i 'setup.sql'") == .include("setup.sql"))
        #expect(MetaCommand(parsing: "\\timing") == .timing(nil))
        #expect(MetaCommand(parsing: "\\timing off") == .timing(false))
        #expect(MetaCommand(parsing: "\\x") == .expanded(nil))
        #expect(MetaCommand(parsing: "\\x auto") == .expanded(.auto))
    }

    @Test func badCommandsExplainThemselves() {
        #expect(MetaCommand(parsing: "\\i") == .invalid("\\i needs a file name: \\i FILE"))
        #expect(MetaCommand(parsing: "\\x sideways") == .invalid("\\x takes on, off or auto"))
        #expect(MetaCommand(parsing: "\\zz") == .invalid("unknown command \\zz; \\? lists the commands"))
    }
}
