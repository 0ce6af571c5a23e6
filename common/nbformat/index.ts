export * from './schema';
export * from './cell-id';
export * from './multiline';
export * from './new-notebook';
export * from './validate-notebook';
