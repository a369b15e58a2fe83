import RivuletCore

extension AggregateSlots {
    /// Writes every accumulator's state of `slot`.
    func save(_ slot: Int32, into writer: inout StateWriter) {
        for accumulator in accumulators { accumulator.save(Int(slot), into: &writer) }
    }

    /// Reads what `save` wrote into `slot` (a freshly allocated or cleared slot).
    func load(_ slot: Int32, from reader: inout StateReader) throws(SQLError) {
        for accumulator in accumulators { try accumulator.load(Int(slot), from: &reader) }
    }
}
