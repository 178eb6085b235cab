// Monthly statements: the closed lists their rows take.

/** An issued statement never changes but for being marked paid. */
export const STATEMENT_STATUSES = ['issued', 'paid'] as const;
export type StatementStatus = (typeof STATEMENT_STATUSES)[number];

/**
 * What a line of a statement is: the commission of a conversion of the month stated (`commission`),
 * of an earlier month's conversion approved after that month was stated (`late`), or commission
 * taken back from a conversion already stated (`adjustment`, negative).
 */
export const STATEMENT_LINE_KINDS = ['commission', 'late', 'adjustment'] as const;
export type StatementLineKind = (typeof STATEMENT_LINE_KINDS)[number];
