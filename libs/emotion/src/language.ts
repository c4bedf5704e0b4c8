/**
 * Fast offline language identification for the two supported languages (de, en) and a cheap
 * "something else" verdict for the rest. Function-word counts (closed-class words are the most
 * reliable short-text signal), plus German orthography (ä ö ü ß) and a script check for
 * non-Latin alphabets. No model file, no allocation beyond one regex scan.
 */

export type DetectedLanguage = 'en' | 'de' | 'other' | null;

const EN = new Set(('the and is are was were to you your my i me we our it its for on of a an in that this with have has had ' +
  'not be been but at get got from so just can do does did no what why how when will would should could they them ' +
  'there their if or as all any by about again still please thanks thank out up one im i\'m it\'s don\'t can\'t ' +
  'didn\'t won\'t been being than then very really now today yet who which').split(' '));
const DE = new Set(('der die das und ist ich nicht ein eine einen einem einer zu mit auf für von den dem sie es wir mein meine ' +
  'noch schon aber auch bei wie was nach seit wird hat habe bin sind war im ins vom zum zur kein keine doch mal nur ' +
  'wieder heute immer jetzt warum bitte danke dass wenn oder als man sich mir mich ihr ihre uns euch wurde werden ' +
  'kann können soll sollte muss gibt gar sehr hier dort wo wann warum weil ja nein nichts ab bis über unter um ' +
  'des dieser diese dieses denn also haben hatte hätte würde').split(' '));
/** Frequent function words of other Latin-script languages: a message made of these is not ours. */
const OTHER = new Set(('le la les et est je vous pas une des du pour avec que qui ce dans mon ma très merci sont ' +
  'el los las y es que en un una por para con mi muy pero gracias está estoy ' +
  'il lo gli che di per non sono grazie della questo ' +
  'het een van niet ik je dat op te met voor zijn maar dank wel ' +
  'o os as é não um uma com meu obrigado ' +
  've bir bu için çok ile da de ben ' +
  'nie jest się na że tak dziękuję').split(' '));
// Words that are function words in German or English AND in another language: count them only for ours.
for (const w of ['die', 'in', 'a', 'en', 'de', 'la', 'is', 'dat', 'van', 'op', 'te', 'je', 'me', 'no', 'es', 'das', 'man', 'has', 'son', 'mi', 'e', 'o', 'da', 'nie', 'na', 'ma']) OTHER.delete(w);

const WORD = /[\p{L}][\p{L}'’]*/gu;
const GERMAN_CHARS = /[äöüß]/;
const NON_LATIN = /[\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Greek}\p{Script=Hebrew}\p{Script=Thai}\p{Script=Devanagari}]/gu;
const LATIN_LETTER = /[a-zà-ɏ]/g;

/**
 * Detect de/en from `lower` (already lower-cased). Returns 'other' for other languages and null
 * when there is no linguistic content (no letters). Looks at the first 1,000 characters only.
 */
export function detectLanguage(lower: string): DetectedLanguage {
  const s = lower.length > 1000 ? lower.slice(0, 1000) : lower;
  let en = 0;
  let de = 0;
  let other = 0;
  let words = 0;
  WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = WORD.exec(s)) !== null) {
    const w = m[0].replace(/’/g, "'");
    words++;
    if (EN.has(w)) en++;
    if (DE.has(w)) de++;
    if (OTHER.has(w)) other++;
  }
  const nonLatin = (s.match(NON_LATIN) || []).length;
  const latin = (s.match(LATIN_LETTER) || []).length;
  if (words === 0 && nonLatin === 0) return null;
  if (nonLatin > latin) return 'other';
  if (GERMAN_CHARS.test(s)) de += 1.5;
  if (other > en && other > de && other >= 2) return 'other';
  if (de > en) return 'de';
  if (en > de) return 'en';
  if (de > 0) return 'de';
  // No function words at all (fragments like "fail again", "great service"): these are mostly
  // English in practice; an unrecognised other-language word list would have said 'other'.
  if (other > 0) return 'other';
  return 'en';
}

/** Normalise a language hint ("de-AT", "EN_us", "German") to 'en' | 'de' | 'other'. */
export function normaliseLanguageHint(hint: string): 'en' | 'de' | 'other' {
  if (hint === 'en' || hint === 'de') return hint; // the common case, without allocating
  const h = hint.trim().toLowerCase();
  const p = h.split(/[-_]/)[0];
  if (p === 'en' || p === 'eng' || h === 'english') return 'en';
  if (p === 'de' || p === 'deu' || p === 'ger' || h === 'german' || h === 'deutsch') return 'de';
  return 'other';
}
