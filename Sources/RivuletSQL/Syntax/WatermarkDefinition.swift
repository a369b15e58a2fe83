public import RivuletCore

/// `WATERMARK FOR column AS expression`, e.g. `` WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND ``.
public struct WatermarkDefinition: Hashable, Sendable {
    public var column: Identifier
    public var expression: Expr
    @IgnoredSpan public var span: SourceSpan

    public init(column: Identifier, expression: Expr, span: SourceSpan = .unknown) {
        self.column = column
        self.expression = expression
        self.span = span
    }
}
