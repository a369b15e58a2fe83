import RivuletCore
import RivuletPlanner
import RivuletRuntime
import RivuletSQL
import Testing

/// SHOW FUNCTIONS reads the binder's list of names; every name on it is a function the binder
/// binds (a wrong argument count is an arity error, never "unknown function").
@Suite struct FunctionRegistryTests {
    static func bindError(_ sql: String) -> SQLError? {
        do {
            guard case .query(let query) = try parseScript(sql).first?.statement else { return SQLError.internal("not a query") }
            _ = try QueryBinder(catalog: ParameterTypeTests.catalog).bind(query)
            return nil
        } catch let error as SQLError {
            return error
        } catch {
            return SQLError.internal("\(error)")
        }
    }

    @Test(arguments: FunctionNames.scalar)
    func everyListedScalarFunctionBinds(_ name: String) {
        // Quoted, so that names with their own syntax are called as plain functions.
        for arguments in ["", "quantity", "quantity, quantity", "customer, quantity, quantity"] {
            let error = Self.bindError("SELECT \"\(name)\"(\(arguments)) FROM orders")
            #expect(error?.message.hasPrefix("unknown function") != true, "\(name)(\(arguments)): \(error?.message ?? "")")
            #expect(error?.state != .internalError, "\(name)(\(arguments)): \(error?.message ?? "")")
        }
    }

    @Test(arguments: FunctionNames.aggregate)
    func everyListedAggregateBinds(_ name: String) {
        let error = Self.bindError("SELECT customer, \"\(name)\"(quantity) FROM orders GROUP BY customer")
        #expect(error?.message.hasPrefix("unknown function") != true, "\(name): \(error?.message ?? "")")
    }

    @Test func anUnknownAggregateIsAnUnknownFunction() {
        #expect(Self.bindError("SELECT customer, FOO_AGG(quantity) FROM orders GROUP BY customer")?.message == "unknown function FOO_AGG")
    }
}
