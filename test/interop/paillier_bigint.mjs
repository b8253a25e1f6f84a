// Interop with paillier-bigint (npm).  Talks JSON on stdin/stdout so the
// shell suite can move values between it and PostgreSQL.
//   node paillier_bigint.mjs keygen              -> {"jwk": private JWK}
//   node paillier_bigint.mjs encrypt  < {jwk, values: ["12", "-3"]}  -> {"cts": ["<decimal>"]}
//   node paillier_bigint.mjs decrypt  < {jwk, cts: ["<decimal>"]}    -> {"values": ["12", "-3"]}
// Signed values use python-paillier's convention: x < 0 is n + x.
import * as paillier from 'paillier-bigint';

const b64url = (x) => {
  let hex = x.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return Buffer.from(hex, 'hex').toString('base64url');
};
const fromB64url = (s) => BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));

function keysFromJwk(jwk) {
  const p = fromB64url(jwk.p);
  const q = fromB64url(jwk.q);
  const n = p * q;
  const pub = new paillier.PublicKey(n, n + 1n);
  const lambda = lcm(p - 1n, q - 1n);
  const mu = modInv(lambda, n);   // with g = n + 1, L(g^lambda) = lambda mod n
  return { pub, priv: new paillier.PrivateKey(lambda, mu, pub, p, q), n };
}
const gcd = (a, b) => { while (b) [a, b] = [b, a % b]; return a; };
const lcm = (a, b) => a / gcd(a, b) * b;
function modInv(a, m) {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1) { const qq = r0 / r1; [r0, r1] = [r1, r0 - qq * r1]; [s0, s1] = [s1, s0 - qq * s1]; }
  return ((s0 % m) + m) % m;
}

const readStdin = async () => {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

const cmd = process.argv[2];
if (cmd === 'keygen') {
  const { publicKey, privateKey } = await paillier.generateRandomKeys(2048, true);
  if (publicKey.g !== publicKey.n + 1n) throw new Error('expected g = n + 1');
  const jwk = { kty: 'DAJ', key_ops: ['decrypt'], p: b64url(privateKey._p), q: b64url(privateKey._q),
                pub: { kty: 'DAJ', alg: 'PAI-GN1', key_ops: ['encrypt'], n: b64url(publicKey.n) } };
  console.log(JSON.stringify({ jwk }));
} else if (cmd === 'encrypt') {
  const input = await readStdin();
  const { pub, n } = keysFromJwk(input.jwk);
  const cts = input.values.map((v) => { let m = BigInt(v); if (m < 0n) m += n; return pub.encrypt(m).toString(); });
  console.log(JSON.stringify({ cts }));
} else if (cmd === 'decrypt') {
  const input = await readStdin();
  const { priv, n } = keysFromJwk(input.jwk);
  const values = input.cts.map((c) => { let m = priv.decrypt(BigInt(c)); if (m > n / 3n) m -= n; return m.toString(); });
  console.log(JSON.stringify({ values }));
} else {
  console.error('usage: paillier_bigint.mjs keygen|encrypt|decrypt');
  process.exit(2);
}
