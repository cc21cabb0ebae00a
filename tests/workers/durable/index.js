// A receiver Worker that keeps a flag mirror and an audit log in Durable Objects, and answers
// reads of both: what tests/js/durable.test.mjs drives under workerd.
import { AuditLogObject, FlagMirrorObject, createHandler, durableAudit, durableMirror } from 'flagsmith-webhooks';

export { AuditLogObject, FlagMirrorObject };

let receive;
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (request.method === 'GET' && url.pathname === '/flag') {
      const query = Object.fromEntries([...url.searchParams].map(([k, v]) => [k, /^\d+$/.test(v) ? Number(v) : v]));
      return Response.json((await durableMirror(env.FLAGS).get(query)) ?? null);
    }
    if (request.method === 'GET' && url.pathname === '/snapshot') return Response.json(await durableMirror(env.FLAGS).snapshot());
    if (request.method === 'GET' && url.pathname === '/audit') return Response.json(await durableAudit(env.AUDIT).records(Object.fromEntries(url.searchParams)));
    if (request.method === 'GET' && url.pathname === '/audit/verify') return Response.json(await durableAudit(env.AUDIT).verify());
    receive ??= createHandler({
      secrets: [env.SECRET_1, env.SECRET_2],
      mirror: durableMirror(env.FLAGS),
      audit: durableAudit(env.AUDIT),
      onError: (error) => console.log(`onError: ${error.code}: ${error.message} (${error.cause?.stack ?? error.cause})`),
    });
    return receive(request, env, ctx);
  },
};
