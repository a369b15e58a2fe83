import ArgumentParser

@main
struct Rivulet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rivulet",
        abstract: "A streaming SQL engine: continuous queries over streams, with event-time windows and upsert sinks.",
        subcommands: [RunCommand.self, ServeCommand.self, ShellCommand.self, UserCommand.self, DevCommand.self])
}
