import { http, HttpResponse, type HttpHandler } from 'msw';

export type MockPull = {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeable: boolean | null;
  merge_commit_sha: string | null;
};

export type RecordedRequest = {
  method: string;
  path: string;
  authorization: string | null;
  body?: any;
};

/**
 * The part of GitHub's REST API the pull request provider uses, for msw, with its state (pull
 * requests) and every request recorded. `failNext` makes the next matching call answer an
 * error; `loseAnswer` lets a create happen on "GitHub" but answers 502 (the answer lost).
 */
export function githubMock(options: {
  apiBaseUrl?: string;
  owner: string;
  repo: string;
}) {
  const base = `${options.apiBaseUrl ?? 'https://api.github.com'}/repos/${
    options.owner
  }/${options.repo}`;
  const pulls: MockPull[] = [];
  const requests: RecordedRequest[] = [];
  const failures: Array<{
    method: string;
    status: number;
    body: unknown;
    loseAnswer?: boolean;
  }> = [];

  const record = async (request: Request, body?: boolean) => {
    const url = new URL(request.url);
    const entry: RecordedRequest = {
      method: request.method,
      path: `${url.pathname}${url.search}`,
      authorization: request.headers.get('authorization'),
      body: body ? await request.json() : undefined,
    };
    requests.push(entry);
    const i = failures.findIndex(f => f.method === request.method);
    const failure = i >= 0 ? failures.splice(i, 1)[0] : undefined;
    return { entry, failure };
  };
  const fail = (f: { status: number; body: unknown }) =>
    HttpResponse.json(f.body as any, { status: f.status });
  const json = (p: MockPull) => ({
    number: p.number,
    html_url: `https://github.com/${options.owner}/${options.repo}/pull/${p.number}`,
    state: p.state,
    title: p.title,
    body: p.body,
    merged: p.merged,
    mergeable: p.mergeable,
    merge_commit_sha: p.merge_commit_sha,
    head: { ref: p.head, label: `${options.owner}:${p.head}` },
    base: { ref: p.base },
  });
  const byNumber = (n: unknown) => pulls.find(p => p.number === Number(n));
  const notFound = () =>
    HttpResponse.json({ message: 'Not Found' }, { status: 404 });

  const handlers: HttpHandler[] = [
    http.post(`${base}/pulls`, async ({ request }) => {
      const { entry, failure } = await record(request, true);
      if (failure && !failure.loseAnswer) return fail(failure);
      const { head, base: baseRef, title, body } = entry.body;
      if (pulls.some(p => p.state === 'open' && p.head === head)) {
        return HttpResponse.json(
          {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: `A pull request already exists for ${options.owner}:${head}.`,
              },
            ],
          },
          { status: 422 },
        );
      }
      const pull: MockPull = {
        number: pulls.length + 1,
        head,
        base: baseRef,
        title,
        body,
        state: 'open',
        merged: false,
        mergeable: true,
        merge_commit_sha: null,
      };
      pulls.push(pull);
      if (failure) return fail(failure);
      return HttpResponse.json(json(pull), { status: 201 });
    }),
    http.get(`${base}/pulls`, async ({ request }) => {
      const { failure } = await record(request);
      if (failure) return fail(failure);
      const q = new URL(request.url).searchParams;
      const head = q.get('head')?.replace(`${options.owner}:`, '');
      return HttpResponse.json(
        pulls
          .filter(p => !head || p.head === head)
          .filter(p => !q.get('base') || p.base === q.get('base'))
          .filter(p => (q.get('state') ?? 'open') === p.state)
          .map(json),
      );
    }),
    http.get(`${base}/pulls/:n`, async ({ request, params }) => {
      const { failure } = await record(request);
      if (failure) return fail(failure);
      const pull = byNumber(params.n);
      return pull ? HttpResponse.json(json(pull)) : notFound();
    }),
    http.put(`${base}/pulls/:n/merge`, async ({ request, params }) => {
      const { failure } = await record(request, true);
      if (failure) return fail(failure);
      const pull = byNumber(params.n);
      if (!pull) return notFound();
      pull.state = 'closed';
      pull.merged = true;
      pull.merge_commit_sha = `${'m'.repeat(39)}${pull.number}`;
      return HttpResponse.json({
        sha: pull.merge_commit_sha,
        merged: true,
        message: 'Pull Request successfully merged',
      });
    }),
    http.patch(`${base}/pulls/:n`, async ({ request, params }) => {
      const { entry, failure } = await record(request, true);
      if (failure) return fail(failure);
      const pull = byNumber(params.n);
      if (!pull) return notFound();
      if (entry.body.state) pull.state = entry.body.state;
      return HttpResponse.json(json(pull));
    }),
  ];

  return {
    handlers,
    pulls,
    requests,
    /** The next `method` call answers `status` + `body` (after acting, with `loseAnswer`). */
    failNext(
      method: string,
      status: number,
      body: unknown = { message: 'Server Error' },
      loseAnswer = false,
    ) {
      failures.push({ method, status, body, loseAnswer });
    },
    calls(method: string, pathEnd: RegExp) {
      return requests.filter(r => r.method === method && pathEnd.test(r.path));
    },
  };
}
