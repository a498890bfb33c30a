#!/usr/bin/env node
// Independent check of data/injection/{train,holdout,second,…,tenth}.jsonl: schema, no team-written text in second to ninth,
// no source shared between second, third, fourth, fifth, sixth, seventh, eighth, ninth and train/holdout (or between the evaluation sets), no exact or near-duplicate text across splits (all pairs are compared
// through an inverted shingle index, not the MinHash shortcut the build uses). Exit code 1 on any violation.
//   node tools/data/check-injection-splits.mjs [dir]
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2] || join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'injection');
const NEAR = Number(process.env.NEAR || 0.5);
const KINDS = new Set(['direct', 'indirect', 'benign', 'hard-negative']);
const errors = [];
const files = {};
for (const name of ['train', 'holdout', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth']) {
  files[name] = readFileSync(join(dir, `${name}.jsonl`), 'utf8').split('\n').filter(Boolean).map((line, i) => {
    const o = JSON.parse(line);
    const keys = Object.keys(o).join(',');
    if (keys !== 'text,label,source,lang,kind') errors.push(`${name}.jsonl:${i + 1}: keys are ${keys}`);
    if (o.label !== 0 && o.label !== 1) errors.push(`${name}.jsonl:${i + 1}: label ${o.label}`);
    if (!KINDS.has(o.kind)) errors.push(`${name}.jsonl:${i + 1}: kind ${o.kind}`);
    if ((o.kind === 'direct' || o.kind === 'indirect') !== (o.label === 1)) errors.push(`${name}.jsonl:${i + 1}: kind ${o.kind} with label ${o.label}`);
    if (typeof o.text !== 'string' || !o.text.trim() || !o.source || !/^[a-z]{2}$/.test(o.lang)) errors.push(`${name}.jsonl:${i + 1}: empty text/source or bad lang`);
    return { ...o, file: name, line: i + 1 };
  });
}
const trainSources = new Set([...files.train, ...files.holdout].map(r => r.source));
const secondSources = new Set(files.second.map(r => r.source));
const thirdSources = new Set(files.third.map(r => r.source));
const fourthSources = new Set(files.fourth.map(r => r.source));
const fifthSources = new Set(files.fifth.map(r => r.source));
const sixthSources = new Set(files.sixth.map(r => r.source));
const seventhSources = new Set(files.seventh.map(r => r.source));
const eighthSources = new Set(files.eighth.map(r => r.source));
const ninthSources = new Set(files.ninth.map(r => r.source));
for (const name of ['second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth']) for (const r of files[name]) {
  if (r.source.startsWith('kt-authored')) errors.push(`${name}.jsonl:${r.line}: team-written source ${r.source}`);
  if (trainSources.has(r.source)) errors.push(`${name}.jsonl:${r.line}: source ${r.source} also in train/holdout`);
  if (name !== 'second' && secondSources.has(r.source)) errors.push(`${name}.jsonl:${r.line}: source ${r.source} also in second`);
  if ((name === 'fourth' || name === 'fifth' || name === 'sixth' || name === 'seventh' || name === 'eighth' || name === 'ninth' || name === 'tenth') && thirdSources.has(r.source)) errors.push(`${name}.jsonl:${r.line}: source ${r.source} also in third`);
  if ((name === 'fifth' || name === 'sixth' || name === 'seventh' || name === 'eighth' || name === 'ninth' || name === 'tenth') && fourthSources.has(r.source)) errors.push(`${name}.jsonl:${r.line}: source ${r.source} also in fourth`);
  if ((name === 'sixth' || name === 'seventh' || name === 'eighth' || name === 'ninth' || name === 'tenth') && fifthSources.has(r.source)) errors.push(`${name}.jsonl:${r.line}: source ${r.source} also in fifth`);
  if ((name === 'seventh' || name === 'eighth' || name === 'ninth' || name === 'tenth') && sixthSources.has(r.source)) errors.push(`${name}.jsonl:${r.line}: source ${r.source} also in sixth`);
  if ((name === 'eighth' || name === 'ninth' || name === 'tenth') && seventhSources.has(r.source)) errors.push(`${name}.jsonl:${r.line}: source ${r.source} also in seventh`);
  if ((name === 'ninth' || name === 'tenth') && eighthSources.has(r.source)) errors.push(`${name}.jsonl:${r.line}: source ${r.source} also in eighth`);
  if (name === 'tenth' && ninthSources.has(r.source)) errors.push(`tenth.jsonl:${r.line}: source ${r.source} also in ninth`);
}

const norm = t => t.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
function shingles(t) {
  const k = norm(t), w = k.split(' ').filter(Boolean), s = new Set();
  if (w.length >= 4 && k.length / w.length < 20) for (let i = 0; i + 3 <= w.length; i++) s.add(w.slice(i, i + 3).join(' '));
  else { const c = k.replace(/ /g, ''); for (let i = 0; i + 4 <= c.length; i++) s.add(c.slice(i, i + 4)); if (!s.size) s.add(c); }
  return s;
}
const all = [...files.train, ...files.holdout, ...files.second, ...files.third, ...files.fourth, ...files.fifth, ...files.sixth, ...files.seventh, ...files.eighth, ...files.ninth, ...files.tenth];
const seen = new Map();
for (const r of all) {
  const k = norm(r.text);
  if (seen.has(k)) errors.push(`exact duplicate: ${seen.get(k).file}.jsonl:${seen.get(k).line} and ${r.file}.jsonl:${r.line}`);
  else seen.set(k, r);
}
// Near duplicates between different splits.
const sh = all.map(r => shingles(r.text));
const index = new Map();
all.forEach((r, i) => { for (const g of sh[i]) { if (!index.has(g)) index.set(g, []); index.get(g).push(i); } });
let near = 0, checked = 0, maxCross = 0;
for (let i = 0; i < all.length; i++) {
  if (all[i].file === 'train') continue;           // compare each holdout/second text against everything else
  const common = new Map();
  for (const g of sh[i]) for (const j of index.get(g)) if (all[j].file !== all[i].file && j !== i) common.set(j, (common.get(j) || 0) + 1);
  for (const [j, c] of common) {
    checked++;
    const jac = c / (sh[i].size + sh[j].size - c);
    if (jac > maxCross) maxCross = jac;
    if (jac >= NEAR) { near++; if (near <= 20) errors.push(`near duplicate (Jaccard ${jac.toFixed(2)}): ${all[i].file}.jsonl:${all[i].line} ~ ${all[j].file}.jsonl:${all[j].line}`); }
  }
}
for (const [name, rows] of Object.entries(files)) {
  const a = rows.filter(r => r.label === 1).length;
  console.log(`${name}: ${rows.length} texts, ${a} attacks, ${rows.length - a} benign, ${new Set(rows.map(r => r.lang)).size} languages, ${new Set(rows.map(r => r.source)).size} sources`);
}
console.log(`cross-split pairs sharing a shingle: ${checked}; highest cross-split Jaccard: ${maxCross.toFixed(3)}; pairs >= ${NEAR}: ${near}`);
if (errors.length) { console.error(errors.slice(0, 50).join('\n')); console.error(`${errors.length} problem(s)`); process.exit(1); }
console.log('OK: schema valid, second, third, fourth, fifth, sixth, seventh, eighth, ninth and tenth sets have no team-written or shared source, no exact or near-duplicate across splits');
