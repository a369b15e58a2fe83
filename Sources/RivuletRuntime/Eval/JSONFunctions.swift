import RivuletCore
import RivuletPlanner

/// JSON_STRING: a value as JSON text (a string quoted and escaped, a number or boolean as it
/// is, nested values as objects and arrays); NULL stays NULL.
enum JSONFunctions {
    static func compile(_ function: ScalarFunction, _ args: [CompiledNode]) throws(SQLError) -> CompiledNode {
        guard function == .jsonString, args.count == 1 else { throw ArithmeticKernels.arity(function, args.count) }
        let value = args[0]
        let type = value.type
        return CompiledNode(type: .varchar, children: args) { input throws(SQLError) in
            let column = try value.run(input)
            var out = ByteColumn()
            for i in 0..<column.count {
                if !column.isNull(i) { out.bytes.append(contentsOf: ValueJSON.text(column.value(at: i, type: type), type: type).utf8) }
                out.offsets.append(out.bytes.count)
            }
            return Column(strings: out, validity: column.validity)
        }
    }
}
