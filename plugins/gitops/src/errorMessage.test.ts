import { ResponseError } from '@backstage/errors';
import { backendMessage } from './errorMessage';

describe('backendMessage', () => {
  it("is the backend's message of a ResponseError, not its status line", async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'ConflictError', message: 'rollout is not paused' },
        request: { method: 'POST', url: '/promote' },
        response: { statusCode: 409 },
      }),
      { status: 409, headers: { 'Content-Type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    expect(error.message).toMatch(/^Request failed with 409/);
    expect(backendMessage(error)).toBe('rollout is not paused');
  });

  it('is the message of any other error', () => {
    expect(backendMessage(new Error('offline'))).toBe('offline');
    expect(backendMessage('odd')).toBe('odd');
  });
});
