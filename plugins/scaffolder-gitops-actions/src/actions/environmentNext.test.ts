import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createEnvironmentNextAction } from './environmentNext';

describe('gitops:environment:next', () => {
  it('outputs the environment after `from`', async () => {
    const ctx = createMockActionContext({ input: { from: 'staging' } });
    await createEnvironmentNextAction().handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('to', 'prod');
    expect(ctx.output).toHaveBeenCalledWith('isLast', false);
  });

  it('marks the last environment', async () => {
    const ctx = createMockActionContext({ input: { from: 'prod' } });
    await createEnvironmentNextAction().handler(ctx);
    expect(ctx.output).not.toHaveBeenCalledWith('to', expect.anything());
    expect(ctx.output).toHaveBeenCalledWith('isLast', true);
  });

  it('refuses an unknown environment, naming the field', async () => {
    const ctx = createMockActionContext({ input: { from: 'qa' } });
    await expect(createEnvironmentNextAction().handler(ctx)).rejects.toThrow(
      /from: unknown environment 'qa'/,
    );
  });
});
