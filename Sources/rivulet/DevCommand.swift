import ArgumentParser

/// `rivulet dev ...`: local stand-ins for the services Rivulet connects to, for trying things out.
struct DevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Local services for development and trying Rivulet out.",
        subcommands: [DevKafkaCommand.self, DevSchemaRegistryCommand.self])
}
