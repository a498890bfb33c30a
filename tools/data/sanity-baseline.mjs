// Data sanity check, NOT the shipped detector: a crude hashed n-gram logistic regression trained on train.jsonl,
// reporting TPR at FPR 1 %/5 % on holdout and second per source and language. It shows how hard each split and
// source is and catches label mistakes; the real model, training tool and `kt eval` live elsewhere.
//   node tools/data/sanity-baseline.mjs   (about a minute)
import { readFileSync } from 'node:fs';
const D = 1 << 20;
const load = f => readFileSync(new URL(`../../data/injection/${f}.jsonl`, import.meta.url), 'utf8').split('\n').filter(Boolean).map(JSON.parse);
function fnv(s) { let h = 0x811c9dc5; for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; } return h; }
function feats(t) {
  const s = t.normalize('NFKC').toLowerCase(); const f = new Map();
  const w = s.match(/[\p{L}\p{N}]+/gu) || [];
  const add = k => { const h = fnv(k) % D; f.set(h, (f.get(h) || 0) + 1); };
  for (let i = 0; i < w.length; i++) { add('w' + w[i]); if (i + 1 < w.length) add('b' + w[i] + ' ' + w[i + 1]); }
  const c = ' ' + s.replace(/\s+/g, ' ') + ' ';
  for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= Math.min(c.length, 4000); i++) add('c' + c.slice(i, i + n));
  let norm = 0; for (const v of f.values()) norm += v * v; norm = Math.sqrt(norm) || 1;
  return [...f].map(([k, v]) => [k, v / norm]);
}
const train = load('train').map(r => ({ x: feats(r.text), y: r.label, s: r.source }));
const W = new Float64Array(D); let b = 0;
const pos = train.filter(r => r.y).length, neg = train.length - pos;
for (let ep = 0; ep < 8; ep++) {
  const order = train.map((_, i) => i).sort((a, c) => fnv(ep + ':' + a) - fnv(ep + ':' + c));
  const lr = 0.5 / (1 + ep);
  for (const i of order) {
    const r = train[i]; let z = b; for (const [k, v] of r.x) z += W[k] * v;
    const p = 1 / (1 + Math.exp(-z)); const wgt = r.y ? neg / pos : 1; const g = (p - r.y) * wgt;
    for (const [k, v] of r.x) W[k] -= lr * (g * v + 1e-6 * W[k]); b -= lr * g;
  }
}
const score = t => { let z = b; for (const [k, v] of feats(t)) z += W[k] * v; return z; };
for (const f of ['holdout', 'second']) {
  const rows = load(f).map(r => ({ ...r, z: score(r.text) }));
  const negs = rows.filter(r => !r.label).map(r => r.z).sort((a, c) => c - a);
  for (const fpr of [0.01, 0.05]) {
    const thr = negs[Math.floor(fpr * negs.length)];
    const atk = rows.filter(r => r.label); const tp = atk.filter(r => r.z > thr).length;
    console.log(`${f}: TPR at FPR ${fpr} = ${(tp / atk.length).toFixed(3)} (${tp}/${atk.length})`);
    if (fpr === 0.01) {
      const bySrc = {}; for (const r of atk) { bySrc[r.source] ??= [0, 0]; bySrc[r.source][1]++; if (r.z > thr) bySrc[r.source][0]++; }
      console.log('   per source', JSON.stringify(bySrc));
      const byLang = {}; for (const r of atk) { byLang[r.lang] ??= [0, 0]; byLang[r.lang][1]++; if (r.z > thr) byLang[r.lang][0]++; }
      console.log('   per lang', JSON.stringify(byLang));
      const fpS = {}; for (const r of rows.filter(r => !r.label && r.z > thr)) fpS[r.source] = (fpS[r.source] || 0) + 1;
      console.log('   false positives by source', JSON.stringify(fpS));
    }
  }
}
