import { removeTempWorkspaces } from './testUtils/contracts';

afterAll(() => removeTempWorkspaces());
