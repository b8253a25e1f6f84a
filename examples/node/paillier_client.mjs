// Encrypt at the edge, add up in PostgreSQL: a Node client of mpc_eigentrust
// with paillier-bigint and node-postgres (pg).  See docs/clients.md.
//
//   npm install && node paillier_client.mjs mydb
//
// Connection settings come from the usual PG* environment variables
// (PGHOST, PGPORT, PGUSER, PGPASSWORD); the database name is the argument.
// Exits 0 when every check passes, 1 otherwise.
import * as paillier from 'paillier-bigint';
import pg from 'pg';

let failures = 0;
const check = (what, ok, got) => {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}: ${got}`);
};

// python-paillier's signed convention: x < 0 is n + x; beyond n/3 is overflow.
const toResidue = (x, n) => ((x % n) + n) % n;
const fromResidue = (m, n) => (m > n / 3n ? m - n : m);

const salaries = [['Alice', 420050n], ['Bob', 390000n], ['Julia', 510025n],
                  ['Charles', 448075n], ['Eve', -12040n]];   // in cents: scale 2
const total = salaries.reduce((s, [, v]) => s + v, 0n);

const db = new pg.Client({ database: process.argv[2] });
await db.connect();
try {
  await db.query('CREATE EXTENSION IF NOT EXISTS mpc_eigentrust');
  await db.query('DROP TABLE IF EXISTS node_salaries, node_keys');
  await db.query('CREATE TABLE node_keys (name text PRIMARY KEY, pk paillier_pubkey)');
  await db.query('CREATE TABLE node_salaries (key text, name text, salary paillier_ciphertext)');

  const insert = async (keyName, publicKey) => {
    for (const [name, cents] of salaries) {
      const c = publicKey.encrypt(toResidue(cents, publicKey.n));
      await db.query(`INSERT INTO node_salaries
                      SELECT $1, $2, paillier_ciphertext_from_json(pk, $3::jsonb) FROM node_keys WHERE name = $1`,
                     [keyName, name, JSON.stringify({ v: c.toString(), e: 0, scale: 2 })]);
    }
  };
  const results = async (keyName) => (await db.query(
    `SELECT paillier_ciphertext_to_json(sum(salary)) AS total,
            paillier_ciphertext_to_json(sum(salary) + 1) AS total_plus_1,
            paillier_ciphertext_to_json(sum(salary * 1.03 + 100)) AS raised
     FROM node_salaries WHERE key = $1`, [keyName])).rows[0];
  const decrypt = (privateKey, json) => fromResidue(privateKey.decrypt(BigInt(json.v)), privateKey.publicKey.n);

  // 1. A key with g = n + 1: generateRandomKeys(bits, true).  The database
  //    gets only n (here in hex; decimal works too).
  {
    const { publicKey, privateKey } = await paillier.generateRandomKeys(2048, true);
    check('paillier-bigint key has g = n + 1', publicKey.g === publicKey.n + 1n, 'yes');
    await db.query("INSERT INTO node_keys VALUES ('simple', paillier_pubkey_from_n($1))",
                   ['0x' + publicKey.n.toString(16)]);
    await insert('simple', publicKey);
    const r = await results('simple');
    // salary * 1.03 + 100 is at scale 4: 1.03 = 103/100 and 100 = 1000000/10^4
    const raised = salaries.reduce((s, [, v]) => s + v * 103n + 1000000n, 0n);
    check('sum(salary) decrypted by paillier-bigint', decrypt(privateKey, r.total) === total, decrypt(privateKey, r.total));
    check('sum(salary) + 1, i.e. + 1.00 at scale 2', decrypt(privateKey, r.total_plus_1) === total + 100n,
          decrypt(privateKey, r.total_plus_1));
    check('sum(salary * 1.03 + 100) at scale 4', decrypt(privateKey, r.raised) === raised && r.raised.scale === 4,
          `${decrypt(privateKey, r.raised)} scale ${r.raised.scale}`);
  }

  // 2. generateRandomKeys(bits) without `true` picks a random g.
  {
    const { publicKey, privateKey } = await paillier.generateRandomKeys(2048);
    check('default paillier-bigint key has g != n + 1', publicKey.g !== publicKey.n + 1n, 'yes');
    // Given g, the database refuses the key ...
    let refused = '';
    try {
      await db.query('SELECT paillier_pubkey_from_n($1, $2)', [publicKey.n.toString(), publicKey.g.toString()]);
    } catch (e) {
      refused = `${e.code} ${e.message}`;
    }
    check('paillier_pubkey_from_n(n, g) refuses g != n + 1', refused.startsWith('22023 '), refused || 'accepted');
    // ... but given only n it cannot tell: ciphertexts are accepted and add
    // up, while adding a plaintext in the database gives garbage.
    await db.query("INSERT INTO node_keys VALUES ('random_g', paillier_pubkey_from_n($1))", [publicKey.n.toString()]);
    await insert('random_g', publicKey);
    const r = await results('random_g');
    check('random g: sum(salary) still decrypts', decrypt(privateKey, r.total) === total, decrypt(privateKey, r.total));
    check('random g: sum(salary) + 1 decrypts to garbage', decrypt(privateKey, r.total_plus_1) !== total + 100n,
          String(decrypt(privateKey, r.total_plus_1)).slice(0, 40) + '...');
  }
} finally {
  await db.end();
}
process.exit(failures ? 1 : 0);
