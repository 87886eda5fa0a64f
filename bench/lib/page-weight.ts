// The page-weight measure lives with the tests that keep its budgets; the benchmarks print it.
export * from '../../tests/support/page-weight.ts';
