import RivuletPGWire
import Testing

@Test func typeOIDsMatchPostgres() {
    #expect(PGType.int4.rawValue == 23)
    #expect(PGType.timestamp.rawValue == 1114)
}
