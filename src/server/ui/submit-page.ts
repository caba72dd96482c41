import { html } from 'hono/html';
import { csrfField, page, type Html, type PageOptions } from './layout.js';
import type { Session } from './session.js';

/**
 * The submission page: an upload of files (multipart, streamed into the blob store file by
 * file) or a Hugging Face reference (pinned to a commit when fetched). The upload form's
 * fields come before its file input, so the submission is opened before the first file arrives.
 */
export function submitPage(session: Session, notice?: PageOptions['notice']): Html {
  return page({
    title: 'Submit a model',
    session,
    notice,
    body: html`<h1>Submit a model version</h1>
    <div class="grid">
    <section><h2>Upload files</h2>
      <form method="post" action="/submit/upload" enctype="multipart/form-data" class="stack" id="upload">
        ${csrfField(session)}
        <label>Model id<input name="model" required maxlength="200" placeholder="org/name" /></label>
        <div class="row"><label>Owner<input name="owner" maxlength="200" placeholder="team (default: you)" /></label>
        <label>Business owner<input name="business_owner" maxlength="200" /></label></div>
        <label>Files (weights, config, tokenizer, model card…)<input type="file" name="files" multiple required /></label>
        <div class="row"><button>Upload and scan</button></div>
      </form></section>
    <section><h2>From the Hugging Face Hub</h2>
      <form method="post" action="/submit/hub" class="stack" id="hub">
        ${csrfField(session)}
        <label>Model id in the registry<input name="model" required maxlength="200" placeholder="org/name" /></label>
        <div class="row"><label>Hub repo<input name="repo" required maxlength="200" placeholder="org/name" /></label>
        <label>Revision<input name="revision" maxlength="256" placeholder="main" /></label></div>
        <div class="row"><label>Owner<input name="owner" maxlength="200" /></label><label>Business owner<input name="business_owner" maxlength="200" /></label></div>
        <label>Hub token for a gated repo (used for this fetch, kept in memory only)<input type="password" name="hub_token" maxlength="500" autocomplete="off" /></label>
        <div class="row"><button>Fetch and scan</button></div>
      </form></section>
    </div>`,
  });
}
