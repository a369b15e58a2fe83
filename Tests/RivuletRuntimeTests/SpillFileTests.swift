import Foundation
import Testing

@testable import RivuletRuntime

/// The spill file keeps keys and their place on disk: what goes in comes out under its own key,
/// once, through the index's growth, the reuse of removed slots and the data file's compaction.
@Suite struct SpillFileTests {
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rivulet-spill-file-tests").path

    static func key(_ i: Int) -> [UInt8] { Array("key-\(i)".utf8) }

    /// Values of varied sizes, some large enough that compaction has garbage to reclaim.
    static func value(_ i: Int) -> [UInt8] { [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 1 + (i * 37) % 700) }

    @Test func everyKeyComesBackOnceWithItsOwnValue() throws {
        let file = try SpillFile(directory: Self.directory)
        // Far more keys than the index's first size, so it grows several times.
        for i in 0..<20_000 { try file.put(Self.key(i), Self.value(i)) }
        #expect(file.count == 20_000)
        for i in stride(from: 0, to: 20_000, by: 2) { #expect(try file.take(Self.key(i)) == Self.value(i)) }
        #expect(file.count == 10_000)
        for i in stride(from: 0, to: 20_000, by: 2) { #expect(try file.take(Self.key(i)) == nil) }
        #expect(try file.take(Array("never-put".utf8)) == nil)
        // Put again under keys taken back, then read everything through a checkpoint's pass.
        for i in stride(from: 0, to: 4_000, by: 2) { try file.put(Self.key(i), Self.value(i + 1)) }
        var seen: [[UInt8]: [UInt8]] = [:]
        try file.forEach { key, value in
            #expect(seen[key] == nil)
            seen[key] = value
        }
        #expect(seen.count == 12_000)
        for i in 0..<20_000 where i % 2 == 1 || i < 4_000 {
            #expect(seen[Self.key(i)] == (i % 2 == 1 ? Self.value(i) : Self.value(i + 1)))
        }
    }

    /// Keys put and taken back over and over (as an operator's working set moving through a
    /// long stream): removed slots are reused and garbage compacted, and nothing is lost.
    @Test func churnKeepsTheLiveKeysOnly() throws {
        let file = try SpillFile(directory: Self.directory)
        var held = Set<Int>()
        var state: UInt64 = 11
        for round in 0..<60_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let i = Int((state >> 33) % 3_000)
            if held.contains(i) {
                #expect(try file.take(Self.key(i)) == Self.value(i))
                held.remove(i)
            } else {
                try file.put(Self.key(i), Self.value(i))
                held.insert(i)
            }
            if round % 10_000 == 0 { #expect(file.count == held.count) }
        }
        var keys = Set<[UInt8]>()
        try file.forEach { key, value in
            keys.insert(key)
            #expect(value == Self.value(Int(String(decoding: key.dropFirst(4), as: UTF8.self))!))
        }
        #expect(keys == Set(held.map(Self.key)))
    }
}
