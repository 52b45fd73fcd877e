/** What the global setup hands every test file. */
declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string;
    /** Names this run's databases that outlive a test file (the demo data's templates). */
    testRunId: string;
  }
}
export {};
