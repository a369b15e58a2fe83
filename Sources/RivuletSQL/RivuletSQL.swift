// The SQL front end: lexer, parser, AST and canonical printing.
