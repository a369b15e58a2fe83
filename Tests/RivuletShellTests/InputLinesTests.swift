import Glibc
@testable import RivuletShell
import Testing

struct InputLinesTests {
    @Test func splitsPipedInputIntoLinesIncludingAnUnterminatedLast() {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        let text = "SELECT 1;\r\nSELECT\n  2;\n\nlast"
        _ = text.withCString { write(descriptors[1], $0, strlen($0)) }
        close(descriptors[1])
        #expect(Array(InputLines(descriptor: descriptors[0])) == ["SELECT 1;", "SELECT", "  2;", "", "last"])
        close(descriptors[0])
    }
}
