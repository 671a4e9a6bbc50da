import '@testing-library/jest-dom';

// A card test renders the whole test app and types and clicks through dialogs; on 2 shared cores
// with the other packages' suites running beside it, that can take longer than jest's 5 s.
// This is a hang guard, not a timing target.
jest.setTimeout(30_000);
