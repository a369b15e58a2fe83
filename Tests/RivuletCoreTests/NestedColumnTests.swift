import RivuletCore
import Testing

@Suite struct NestedColumnTests {
    static let person = SQLType.row([RowField("name", .varchar), RowField("tags", .array(.varchar))])
    static let scores = SQLType.map(key: .varchar, value: .array(.bigint))

    static let people: [Value] = [
        .row([.string("ann"), .array([.string("a"), .null])]),
        .null,
        .row([.null, .array([])]),
        .row([.string("bo"), .null]),
    ]

    @Test func nestedValuesRoundTripThroughTheirColumnLayout() {
        var column = Column(type: Self.person)
        for value in Self.people { column.append(value) }
        #expect(column.count == 4)
        #expect(column.kind == .struct)
        // One child per field, each with a slot for every row (NULL rows included).
        #expect(column.children.map(\.count) == [4, 4])
        // The tags list child holds its elements once, behind end offsets per row.
        #expect(column.children[1].ints == [2, 2, 2, 2])
        #expect(column.children[1].children[0].count == 2)
        #expect((0..<4).map { column.value(at: $0, type: Self.person) } == Self.people)
    }

    @Test func gatherAndAppendFromCopyNestedRows() {
        var column = Column(type: Self.scores)
        let maps: [Value] = [
            .map(keys: [.string("x")], values: [.array([.int(1), .int(2)])]),
            .map(keys: [], values: []),
            .null,
            .map(keys: [.string("y"), .string("z")], values: [.null, .array([.int(3)])]),
        ]
        for value in maps { column.append(value) }
        let gathered = column.gather([3, 0, 2, 3])
        #expect((0..<4).map { gathered.value(at: $0, type: Self.scores) } == [maps[3], maps[0], maps[2], maps[3]])
    }

    @Test func gatherTakesRowColumnsChildByChild() {
        var column = Column(type: Self.person)
        for value in Self.people { column.append(value) }
        let gathered = column.gather([3, 1, 0, 2, 1])
        #expect(gathered.children.map(\.count) == [5, 5])
        #expect((0..<5).map { gathered.value(at: $0, type: Self.person) }
            == [Self.people[3], .null, Self.people[0], Self.people[2], .null])
    }

    @Test func sliceCopiesARunOfRowsWithTheirNulls() {
        var column = Column(type: Self.person)
        for value in Self.people { column.append(value) }
        let middle = column.slice(1..<4)
        #expect(middle.children.map(\.count) == [3, 3])
        #expect((0..<3).map { middle.value(at: $0, type: Self.person) } == Array(Self.people[1..<4]))

        var flat = Column(type: .varchar)
        for value: Value in [.string("a"), .null, .string("cd"), .string("")] { flat.append(value) }
        let tail = flat.slice(1..<4)
        #expect((0..<3).map { tail.value(at: $0, type: .varchar) } == [.null, .string("cd"), .string("")])
        #expect(flat.slice(2..<2).count == 0)
    }

    @Test func scatteredPutsRowsInPlaceWithNullsBetween() {
        var column = Column(type: Self.person)
        for value in Self.people { column.append(value) }
        let scattered = column.scattered(to: [1, 2, 5, 6], count: 8)
        #expect(scattered.count == 8)
        #expect(scattered.children.map(\.count) == [8, 8])
        #expect((0..<8).map { scattered.value(at: $0, type: Self.person) }
            == [.null, Self.people[0], .null, .null, .null, Self.people[2], Self.people[3], .null])

        var flat = Column(type: .varchar)
        for value: Value in [.string("a"), .null, .string("c")] { flat.append(value) }
        let spread = flat.scattered(to: [0, 3, 4], count: 5)
        #expect((0..<5).map { spread.value(at: $0, type: .varchar) } == [.string("a"), .null, .null, .null, .string("c")])
    }

    @Test func keyBytesAndEqualityFollowNestedValues() {
        var column = Column(type: .array(.integer))
        for value: Value in [.array([.int(1), .null]), .array([.int(1), .null]), .array([.int(1)]), .null, .array([])] {
            column.append(value)
        }
        func key(_ row: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            column.appendKeyBytes(row, to: &bytes)
            return bytes
        }
        #expect(column.rowEquals(0, column, 1))
        #expect(key(0) == key(1))
        #expect(!column.rowEquals(0, column, 2))
        #expect(key(0) != key(2))
        #expect(key(3) != key(4))  // NULL is not the empty array
        #expect(!column.rowEquals(3, column, 4))
    }

    @Test func typesPrintAsSQL() {
        #expect(Self.person.description == "ROW<name VARCHAR, tags ARRAY<VARCHAR>>")
        #expect(Self.scores.description == "MAP<VARCHAR, ARRAY<BIGINT>>")
        #expect(SQLType.row([RowField("my field", .integer)]).description == "ROW<`my field` INT>")
    }

    @Test func valuesPrintAsFlinkCastsThemToText() {
        #expect(Value.array([.int(1), .null]).description == "[1, NULL]")
        #expect(Value.map(keys: [.string("a")], values: [.int(1)]).description == "{a=1}")
        #expect(Self.people[0].description == "(ann, [a, NULL])")
    }

    @Test func jsonTextNamesRowFieldsAndReadsBack() {
        let text = ValueJSON.text(Self.people[0], type: Self.person)
        #expect(text == #"{"name":"ann","tags":["a",null]}"#)
        #expect(ValueJSON.parse(text, as: Self.person) == Self.people[0])
        // Field names match case-insensitively; a missing field is NULL; a wrong shape does not fit.
        #expect(ValueJSON.parse(#"{"NAME":"x"}"#, as: Self.person) == .row([.string("x"), .null]))
        #expect(ValueJSON.parse(#"{"tags":"a"}"#, as: Self.person) == nil)
        // A JSON object or array read as VARCHAR keeps its JSON text, as the JSON format does.
        #expect(ValueJSON.parse(#"{"name":[1]}"#, as: Self.person) == .row([.string("[1]"), .null]))
        #expect(ValueJSON.parse(#"{"a":[1,2]}"#, as: Self.scores) == .map(keys: [.string("a")], values: [.array([.int(1), .int(2)])]))
    }

    /// Flink's JSON writes times as text; ksqlDB's as epoch milliseconds and days, and reads both.
    @Test func jsonTimesAreTextOrNumbers() {
        let type = SQLType.map(key: .varchar, value: .array(.timestamp3))
        let value = Value.map(keys: [.string("at")], values: [.array([.timestamp(10), .null])])
        #expect(ValueJSON.text(value, type: type) == #"{"at":["1970-01-01 00:00:00.010",null]}"#)
        #expect(ValueJSON.text(value, type: type, temporalAsNumbers: true) == #"{"at":[10,null]}"#)
        #expect(ValueJSON.text(.row([.date(3)]), type: .row([RowField("d", .date)]), temporalAsNumbers: true) == #"{"d":3}"#)
        #expect(ValueJSON.parse(#"{"at":[10,null]}"#, as: type) == value)
        #expect(ValueJSON.parse("[3]", as: .array(.date)) == .array([.date(3)]))
    }

    /// A MAP is its entries: equal, and hashed alike, whatever their order.
    @Test func mapsAreEqualWhateverTheirEntriesOrder() {
        let a = Value.map(keys: [.string("x"), .string("y")], values: [.int(1), .int(2)])
        let b = Value.map(keys: [.string("y"), .string("x")], values: [.int(2), .int(1)])
        let c = Value.map(keys: [.string("y"), .string("x")], values: [.int(1), .int(2)])
        #expect(a == b)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
        #expect(Value.array([a]) == .array([b]))
    }
}
