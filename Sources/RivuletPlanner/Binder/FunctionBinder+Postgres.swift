import RivuletCore
import RivuletSQL

/// The functions of Postgres' catalog that clients call in their catalog queries, answered as
/// Rivulet's catalog allows: visibility and privilege checks are true (everything is in
/// `public` and readable), an index's and a constraint's definition (a primary key's), a view's
/// SQL, a relation's description (its connector) and a column's (its watermark, for an
/// event-time column) are read from the catalog, definitions and descriptions Rivulet does not
/// keep are NULL, and sizes on disk are 0.
extension FunctionBinder {
    static func bindPostgres(
        _ name: String, _ args: [BoundExpr], call: FunctionCall, binder: ExpressionBinder
    ) throws(SQLError) -> BoundExpr? {
        func string(_ i: Int) throws(SQLError) -> BoundExpr {
            try binder.coerce(args[i], to: .varchar, at: call.arguments[i].span, lenient: true)
        }
        func oid(_ i: Int) throws(SQLError) -> BoundExpr {
            guard args[i].type.isInteger || args[i].type == .null else {
                throw SQLError(.datatypeMismatch, "\(name) expects an oid, found \(args[i].type)", at: call.arguments[i].span)
            }
            return try binder.cast(args[i], to: .bigint)
        }
        switch name {
        case "REGEXP_LIKE" where args.count == 2:
            return .call(.regexpLike, [try string(0), try string(1)], .boolean)
        case "PG_TABLE_IS_VISIBLE", "PG_TYPE_IS_VISIBLE", "PG_FUNCTION_IS_VISIBLE", "PG_COLLATION_IS_VISIBLE",
            "HAS_TABLE_PRIVILEGE", "HAS_SCHEMA_PRIVILEGE", "HAS_DATABASE_PRIVILEGE", "HAS_COLUMN_PRIVILEGE", "PG_HAS_ROLE",
            "PG_RELATION_IS_PUBLISHABLE":
            return .literal(.boolean(true), .boolean)
        case "PG_GET_INDEXDEF" where args.count == 1 || (args.count == 3 && args[1].unwrappedCast == .literal(.int(0), args[1].type)),
            "PG_GET_CONSTRAINTDEF" where args.count == 1 || args.count == 2,
            "COL_DESCRIPTION" where args.count == 2, "OBJ_DESCRIPTION" where args.count == 2,
            "PG_GET_VIEWDEF" where args.count == 1 || args.count == 2, "PG_GET_INDEXDEF" where args.count == 3:
            // The whole definition, by the oid's value among the catalog's; a column's
            // description, and an index's column (`pg_get_indexdef(oid, number, pretty)`), by
            // its relation's oid and its number, as `oid * 65536 + number`.
            var key = try oid(0)
            var function = name
            let wholeIndex = args.count == 1 || args[1].unwrappedCast == .literal(.int(0), args[1].type)
            if name == "COL_DESCRIPTION" || (name == "PG_GET_INDEXDEF" && !wholeIndex) {
                key = .call(.add, [.call(.multiply, [key, .literal(.int(65536), .bigint)], .bigint), try oid(1)], .bigint)
                if name == "PG_GET_INDEXDEF" { function = "PG_GET_INDEXDEF_COLUMN" }
            }
            var branches: [BoundExpr] = []
            for (oid, text) in binder.context?.definitions(of: function).sorted(by: { $0.key < $1.key }) ?? [] {
                branches.append(.call(.equal, [key, .literal(.int(oid), .bigint)], .boolean))
                branches.append(.literal(.string(text), .varchar))
            }
            return branches.isEmpty ? .literal(.null, .varchar) : .call(.caseWhen, branches + [.literal(.null, .varchar)], .varchar)
        case "PG_GET_EXPR", "PG_GET_CONSTRAINTDEF", "PG_GET_INDEXDEF", "PG_GET_VIEWDEF", "OBJ_DESCRIPTION",
            "COL_DESCRIPTION", "SHOBJ_DESCRIPTION", "PG_GET_SERIAL_SEQUENCE", "PG_GET_TRIGGERDEF",
            "PG_GET_FUNCTION_RESULT", "PG_GET_FUNCTION_ARGUMENTS", "PG_GET_FUNCTION_IDENTITY_ARGUMENTS",
            "PG_GET_STATISTICSOBJDEF_COLUMNS", "PG_GET_RULEDEF", "PG_GET_FUNCTION_SQLBODY":
            return .literal(.null, .varchar)
        case "PG_TABLE_SIZE" where args.count == 1, "PG_RELATION_SIZE" where args.count == 1,
            "PG_TOTAL_RELATION_SIZE" where args.count == 1, "PG_INDEXES_SIZE" where args.count == 1,
            "PG_DATABASE_SIZE" where args.count == 1:
            // Rows live in the engine's state, not in files of the relation's own.
            return .literal(.int(0), .bigint)
        case "PG_SIZE_PRETTY" where args.count == 1:
            guard args[0].type.isInteger || args[0].type == .null else {
                throw SQLError(.datatypeMismatch, "pg_size_pretty expects a number of bytes, found \(args[0].type)",
                               at: call.arguments[0].span)
            }
            return .call(.sizePretty, [try binder.cast(args[0], to: .bigint)], .varchar)
        case "ARRAY_UPPER" where args.count == 2, "ARRAY_LOWER" where args.count == 2:
            // One-dimensional arrays, numbered from 1: NULL for an empty one, as for a NULL one.
            guard case .array = args[0].type, case .literal(.int(1), _) = args[1].unwrappedCast else { return nil }
            let count = BoundExpr.call(.cardinality, [args[0]], .integer)
            let bound = name == "ARRAY_UPPER" ? count : .literal(.int(1), .integer)
            return .call(.caseWhen, [.call(.greater, [count, .literal(.int(0), .integer)], .boolean), bound,
                                     .literal(.null, .integer)], .integer)
        case "ARRAY_TO_STRING" where args.count == 2 || args.count == 3:
            // ARRAY_JOIN's arguments, without its default delimiter.
            return try binder.bindNestedFunction("ARRAY_JOIN", args, call: call)
        case "JSON_BUILD_OBJECT", "JSONB_BUILD_OBJECT":
            // An object of constant keys: a ROW with those field names, whose text is that JSON object.
            guard args.count % 2 == 0 else {
                throw SQLError(.invalidParameterValue, "argument list must have even number of elements", at: call.span)
            }
            var fields: [RowField] = []
            var values: [BoundExpr] = []
            for pair in stride(from: 0, to: args.count, by: 2) {
                guard case .literal(let key, _) = args[pair].unwrappedCast, key != .null else {
                    throw SQLError.unsupported("\(name) takes constant keys", at: call.arguments[pair].span)
                }
                let type = args[pair + 1].type == .null ? SQLType.varchar : args[pair + 1].type
                fields.append(RowField(key.description, type))
                values.append(try binder.cast(args[pair + 1], to: type))
            }
            return .cast(.call(.makeRow, values, .row(fields)), to: .varchar)
        case "PG_GET_USERBYID" where args.count == 1:
            return .literal(.string("rivulet"), .varchar)
        case "PG_ENCODING_TO_CHAR" where args.count == 1:
            return .literal(.string("UTF8"), .varchar)
        case "FORMAT_TYPE" where args.count == 2:
            let modifier = args[1].type == .null ? BoundExpr.literal(.int(-1), .bigint) : try oid(1)
            return .call(.formatType, [try oid(0), modifier], .varchar)
        case "REGTYPE" where args.count == 1 && args[0].type.isInteger:
            return .call(.regtype, [try oid(0)], .bigint)
        case "_REGTYPE" where args.count == 1 && (args[0].type == .varchar || args[0].type == .null):
            return .call(.regtypeNames, [args[0]], .array(.varchar))
        case "REGCLASS", "REGNAMESPACE", "REGPROC", "REGPROCEDURE", "REGROLE", "TO_REGCLASS"
        where args.count == 1 && args[0].unwrappedCast.isNullLiteral:
            // `NULL::regclass`, the NULL of whatever type: what `pg_get_serial_sequence(...)::regclass` is.
            return .literal(.null, .bigint)
        case "REGCLASS", "REGNAMESPACE", "REGPROC", "REGPROCEDURE", "REGROLE", "TO_REGCLASS"
        where args.count == 1 && (args[0].type.isInteger || args[0].type == .null):
            return try oid(0)
        case "TO_REGTYPE", "REGTYPE":
            guard args.count == 1, case .literal(let value, _) = args[0] else { return nil }
            guard case .string(let text) = value else { return .literal(.null, .bigint) }
            guard let found = PGTypeCatalog.oid(named: text) else {
                if name == "TO_REGTYPE" { return .literal(.null, .bigint) }
                throw SQLError(.undefinedObject, "type \"\(text)\" does not exist", at: call.span)
            }
            return .literal(.int(found), .bigint)
        default:
            return nil
        }
    }
}

extension BoundExpr {
    fileprivate var isNullLiteral: Bool {
        if case .literal(.null, _) = self { return true }
        return false
    }
}
