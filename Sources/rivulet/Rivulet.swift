import ArgumentParser

@main
struct Rivulet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rivulet",
        abstract: "A streaming SQL engine: continuous queries over streams, with event-time windows and upsert sinks.",
        version: Rivulet.version,
        subcommands: [RunCommand.self, ServeCommand.self, ShellCommand.self, UserCommand.self, DevCommand.self])

    /// What `rivulet --version` prints: the release, in semantic versioning.
    static let version = "0.1.0"
}
