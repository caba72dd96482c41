import type { Hono } from 'hono';
import { createSubmission, finishUpload, uploadFile, type VersionView } from '../../app/registry/index.js';
import { ModelgateError } from '../../core/errors.js';
import type { Ctx, ServerEnv } from '../context.js';
import { describe, formRoute, guarded } from './guard.js';
import { boundaryOf, multipartParts, partText } from './multipart.js';
import { MAX_FORM_BYTES, type Session, type Sessions } from './session.js';
import { submitPage } from './submit-page.js';

/** The form's text fields (model id, owners, CSRF token): short. */
const MAX_FIELD_BYTES = 4096;

type Opened = Pick<VersionView, 'id'>;

/**
 * An upload submission, read as the browser sends it: the fields first (the CSRF token is
 * checked before anything is stored), then each file streamed through the app layer's
 * uploadFile (its size limit and path checks) into the blob store, then finishUpload.
 */
async function upload(c: Ctx, sessions: Sessions, session: Session): Promise<Response> {
  const ctx = c.get('registry').ctx;
  const boundary = boundaryOf(c.req.header('content-type'));
  const body = c.req.raw.body as unknown as AsyncIterable<Uint8Array> | null;
  if (!body) throw new ModelgateError('USAGE', 'the form is empty');
  const fields = new Map<string, string>();
  let version: Opened | undefined;
  let fieldBytes = 0;
  try {
    for await (const part of multipartParts(body, boundary)) {
      if (part.filename === undefined) {
        if (version) throw new ModelgateError('USAGE', 'the form fields come before its files');
        const value = await partText(part, MAX_FIELD_BYTES);
        fieldBytes += value.length;
        if (fieldBytes > MAX_FORM_BYTES) throw new ModelgateError('TOO_LARGE', `the form's fields are over ${MAX_FORM_BYTES} bytes`);
        fields.set(part.name, value);
        continue;
      }
      // A file input left empty is sent as a part with no name and no bytes.
      if (part.name !== 'files' || part.filename === '') continue;
      if (!version) {
        sessions.checkCsrf(session, fields.get('csrf'));
        version = await createSubmission(ctx, session.principal, {
          model: fields.get('model')?.trim() ?? '',
          source: { kind: 'upload' },
          owner: fields.get('owner')?.trim() || undefined,
          businessOwner: fields.get('business_owner')?.trim() || undefined,
        });
      }
      await uploadFile(ctx, session.principal, version.id, part.filename, part.body);
    }
    sessions.checkCsrf(session, fields.get('csrf'));
    if (!version) throw new ModelgateError('USAGE', 'choose at least one file to upload');
    await finishUpload(ctx, session.principal, version.id);
  } catch (e) {
    if (!(e instanceof ModelgateError)) throw e;
    const { status, message } = describe(e);
    const left = version ? ` (version ${version.id} stays open in state receiving with the files received before: submit again)` : '';
    // Node's server reads and drops what is left of the request after this answer, so the browser shows it.
    return c.html(submitPage(session, { kind: 'error', text: `${message}${left}` }), status);
  }
  return c.redirect(`/versions/${encodeURIComponent(version.id)}?done=submitted`, 303);
}

/** A Hub submission: the pipeline fetches the repo, pinned to the commit its revision names then. */
async function hub(c: Ctx, session: Session, form: URLSearchParams): Promise<Response> {
  const registry = c.get('registry');
  const text = (name: string) => form.get(name)?.trim() || undefined;
  try {
    const version = await createSubmission(registry.ctx, session.principal, {
      model: text('model') ?? '',
      source: { kind: 'hub', repo: text('repo') ?? '', revision: text('revision') },
      owner: text('owner'),
      businessOwner: text('business_owner'),
    });
    const token = text('hub_token');
    if (token) registry.pipeline.hubTokens.set(version.id, token);
    return c.redirect(`/versions/${encodeURIComponent(version.id)}?done=submitted`, 303);
  } catch (e) {
    if (!(e instanceof ModelgateError)) throw e;
    const { status, message } = describe(e);
    return c.html(submitPage(session, { kind: 'error', text: message }), status);
  }
}

export function mountSubmitRoutes(app: Hono<ServerEnv>, sessions: Sessions): void {
  app.get(
    '/submit',
    guarded(sessions, async (c, session) => c.html(submitPage(session)), { roles: ['submitter'] }),
  );
  app.post(
    '/submit/upload',
    guarded(sessions, (c, session) => upload(c, sessions, session), { post: true, roles: ['submitter'] }),
  );
  app.post('/submit/hub', formRoute(sessions, hub, { roles: ['submitter'] }));
}
