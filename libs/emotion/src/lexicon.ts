/**
 * Hand-written cue lexicons for English and German contact-center messages.
 *
 * Written from general knowledge of complaint language, not extracted from the development
 * files: no brand names, no station or airline names. Each list is compiled once into one
 * alternation regex per category, run over the lower-cased message.
 *
 * Conventions: English entries are whole words with optional inflection written as a regex
 * fragment. German entries marked with a leading `~` match inside compounds as well
 * ("~verspät" matches "Zugverspätung"); the others must start at a word start.
 */

export type Lang = 'en' | 'de';

export interface CueRule {
  /** Stable cue id reported in evidence (`Evidence.cue`). */
  cue: string;
  /** Category reported in evidence (`Evidence.kind`). */
  kind: string;
  /** Polarity for negation/contrast handling: -1 negative word, +1 positive word, 0 neutral cue. */
  polarity: -1 | 0 | 1;
  re: RegExp;
}

const L = '\\p{L}';
/** Word-start boundary that works with umlauts (the `u` flag has no Unicode-aware `\b`). */
const WS = `(?<![${L}\\p{N}])`;
const WE = `(?![${L}\\p{N}])`;

/** English: each entry is a whole-word regex fragment. */
function compile(words: string[]): RegExp {
  return new RegExp(`${WS}(?:${words.join('|')})${WE}`, 'gu');
}

/**
 * German: `~stem` matches anywhere in a word (compounds: "Zugverspätung"), `=word` only as a whole
 * word, a bare `stem` at a word start with any ending ("gut", "gute", "guten"). The span always
 * extends to the whole word so evidence shows the compound.
 */
function compileDe(words: string[]): RegExp {
  const parts = words.map((w) => {
    if (w.startsWith('~')) return `[${L}]*(?:${w.slice(1)})[${L}]*`;
    if (w.startsWith('=')) return `${WS}(?:${w.slice(1)})${WE}`;
    return `${WS}(?:${w})[${L}]*`;
  });
  return new RegExp(parts.join('|'), 'gu');
}

// ---------------------------------------------------------------- English
const EN_NEG = [
  'bad', 'worse', 'worst', 'terrible', 'horrible', 'awful', 'horrendous', 'dreadful', 'poor(?:ly)?', 'lousy',
  'sucks?', 'sucked', 'sucky', 'hate[sd]?', 'hating', 'angry', 'angrier', 'mad', 'furious', 'livid', 'upset',
  'annoy(?:ed|ing|s|ance)?', 'frustrat(?:ed|ing|ion|es)', 'irritat(?:ed|ing)', 'disappoint(?:ed|ing|ment|s)?',
  'disgust(?:ed|ing)?', 'sick of', 'tired of', 'fed up', 'fail(?:s|ed|ure|ing)?', 'broken', 'broke', 'useless',
  'incompeten(?:t|ce)', 'rude(?:ly|ness)?', 'unhelpful', 'unprofessional', 'lie[sd]?', 'lying', 'liars?',
  'scam(?:med|mers?)?', 'rip(?:ped)?[ -]?off', 'stuck', 'stranded', 'lost', 'missing', 'delay(?:ed|s)?',
  'late', 'cancel(?:l?ed)', 'problems?', 'issues?', 'trouble', 'wrong', 'mess(?:ed)?', 'nightmare', 'disaster',
  'chaos', 'fiasco', 'hell', 'ugh+', 'argh+', 'sigh', 'smh', 'wtf', 'seriously', 'ridiculous', 'pathetic',
  'joke', 'absurd', 'shame(?:ful)?', 'unfair', 'never again', 'nobody', 'no one', 'ignor(?:ed|ing|e)',
  'waste(?:d)?', 'wasting', 'unable', "can'?t believe", 'worried', 'sad', 'sorry', 'miserable', 'unhappy',
  'dissatisfied', 'unsatisfied', 'complain(?:t|ts|ed|ing)?', 'hung up', 'hang up', 'stupid', 'idiots?',
  'crap(?:py)?', 'garbage', 'trash', 'fault', 'denied', 'refused', 'overbooked', 'dirty', 'cold', 'hungry',
  'uncomfortable', 'shocked', 'appall(?:ed|ing)', 'inexcusable', 'unreliable', 'misleading', 'mistakes?',
  'error', 'nothing', 'bother', 'hassle', 'forced', 'charged', 'expensive', 'overpriced', 'slow(?:est)?',
  'impossible', 'confus(?:ed|ing)', 'kidding', 'unbelievable', 'insane', 'crazy', 'screw(?:ed)?',
];
const EN_POS = [
  'good', 'great', 'excellent', 'amazing', 'awesome', 'fantastic', 'wonderful', 'perfect', 'love[sd]?', 'loving',
  'nice', 'happy', 'glad', 'pleased', 'satisfied', 'thanks?', 'thank you', 'thx', 'ty', 'appreciated?',
  'helpful', 'friendly', 'best', 'better', 'fast', 'quick(?:ly)?', 'smooth', 'easy', 'enjoy(?:ed)?',
  'impress(?:ed|ive)', 'recommend', 'fine', 'cool', 'sweet', 'brilliant', 'superb', 'outstanding', 'resolved',
  'fixed', 'worked', 'works', 'on time', 'early', 'comfortable', 'beautiful', 'welcome', 'yay', 'kudos',
  'congrats', 'congratulations', 'lol', 'haha+', 'pleasure', 'exceptional', 'professional', 'grateful',
];
const EN_PROFANITY = [
  'fuck(?:ing|ed|er|s)?', 'f\\*+(?:ing|k)?', 'shit(?:ty|s)?', 'bullshit', 'damn(?:ed|it)?', 'goddamn', 'ass(?:hole)?s?',
  'bastards?', 'bitch(?:es)?', 'wtf', 'stfu', 'piss(?:ed)?', 'bs',
];
const EN_UNACCEPTABLE = [
  'unacceptable', 'not acceptable', 'outrageous', 'disgrace(?:ful)?', 'ridiculous', 'inexcusable', 'appalling',
  'shameful', 'scandal(?:ous)?', 'a joke', 'pathetic', 'absurd',
];
const EN_NEGATORS = /(?<![\p{L}])(?:not|no|never|nothing|none|nobody|without|hardly|barely|neither|nor|cannot|cant|dont|wont|didnt|doesnt|isnt|wasnt|arent|werent|couldnt|wouldnt|shouldnt|havent|hasnt|aint)(?![\p{L}])|n[’']t(?![\p{L}])/u;
const EN_INTENSIFIERS = /(?<![\p{L}])(?:very|so|really|extremely|totally|absolutely|completely|utterly|incredibly|super|such|too|most|truly|seriously|beyond)\s+$/u;
const EN_CONTRAST = /(?<![\p{L}])(?:but|however|although|though|yet|still|except)(?![\p{L}])/gu;

const NUM_EN = '(?:\\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|many|few|couple(?: of)?|multiple)';
const NUM_DE = '(?:\\d+|ein(?:e[mnr]?)?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|mehrere[nm]?|viele[nm]?|paar|etliche[nm]?)';

const EN_CC: Array<[string, string, string, string]> = [
  // cue, kind, intent-or-'', pattern
  ['waiting_time', 'contact_center', '', `${WS}(?:for|over|since|after|almost|nearly|about|than|waited|waiting|wait)\\s+(?:(?:over|about|almost|nearly|more than|an?|the|last|past)\\s+)?${NUM_EN}\\s+(?:more\\s+)?(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?)${WE}`],
  ['still_waiting', 'contact_center', '', `${WS}(?:still|been|keep|kept)\\s+(?:\\p{L}+\\s+)?(?:waiting|no(?:thing)?|not)${WE}|${WS}yet to (?:receive|hear|get)${WE}|${WS}(?:no|zero) (?:response|reply|answer|update|call ?back|help|info(?:rmation)?)${WE}`],
  ['repeat_contact', 'contact_center', '', `${WS}(?:(?:second|2nd|third|3rd|fourth|4th|fifth|5th|\\d+th|umpteenth|another)\\s+(?:time|call|email|e-mail|attempt|request|message)s?|(?:called|emailed|tweeted|contacted|asked|tried|told)\\s+(?:\\p{L}+\\s+)?(?:again|twice|three times|\\d+ times|several times|multiple times|many times|repeatedly)|again and again|yet again|once again|over and over|every (?:single )?time|keep (?:calling|getting|asking|trying))${WE}`],
  ['hold_wait', 'contact_center', 'hotline_wait', `${WS}(?:on hold|hold music|hold times?|call ?cent(?:er|re)|hotline|customer service line|phone line|waiting on the phone|nobody answers|no one answers|can'?t get through|busy signal|queue)${WE}`],
  ['cancellation_threat', 'contact_center', 'cancellation_threat', `${WS}(?:(?:cancel|cancelling|canceling|terminate|close)\\s+(?:my|our|the)\\s+(?:contract|subscription|account|membership|service|plan|card|order)|switch(?:ing)?\\s+(?:to\\s+)?(?:another|a different|other)\\s+(?:provider|company|carrier|airline|bank)|(?:take|taking)\\s+my\\s+business\\s+elsewhere|never\\s+(?:fly|flying|use|using|buy|buying|book|booking|order|ordering)\\s+(?:with\\s+)?(?:you|again)|last time i|(?:i'?m|i am) done with you|lost a (?:loyal )?customer|(?:former|ex)[ -]customer)${WE}`],
  ['legal_threat', 'contact_center', 'legal_threat', `${WS}(?:lawyers?|attorneys?|sue|suing|lawsuit|legal action|court|small claims|class action|ombudsman|consumer protection|better business bureau|bbb|dot complaint|fcc|report(?:ing)? you)${WE}`],
  ['refund', 'contact_center', 'refund', `${WS}(?:refund(?:s|ed|ing)?|money back|reimburse(?:d|ment)?|compensat(?:e|ed|ion)|charge ?back|voucher|credit back)${WE}`],
  ['complaint', 'contact_center', '', `${WS}(?:complaint|complain(?:ed|ing)?|file a (?:complaint|claim)|escalate|supervisor|manager)${WE}`],
  ['unclear_bill', 'intent', 'unclear_bill', `${WS}(?:bill(?:ed|ing|s)?|invoice[sd]?|overcharg(?:e|ed|ing)|double[ -]charged|charged (?:twice|me)|hidden fees?|fees?|statement|direct debit)${WE}`],
  ['provisioning', 'intent', 'provisioning', `${WS}(?:activat(?:e|ed|ion)|installation|install(?:ed)?|set ?up|technician|engineer visit|new (?:line|connection|contract)|port(?:ing)? my number|sim card|connect(?:ion)? date|not (?:yet )?(?:connected|activated))${WE}`],
  ['outage', 'intent', 'outage', `${WS}(?:outage|down again|is down|are down|went down|not working|doesn'?t work|does not work|isn'?t working|stopped working|no (?:internet|signal|service|connection|power|wifi|wi-fi)|service (?:interruption|disruption|failure)|broken|system (?:error|failure|glitch)|crash(?:ed|es|ing)?|cancell?ed flight|flight (?:was )?cancell?ed|cancelled flightled)${WE}`],
];

// ---------------------------------------------------------------- German
const DE_NEG = [
  'schlecht', '~schlimm', '~furchtbar', '~schrecklich', '~katastroph', '~grauenhaft', '~grauenvoll', '~miserabel',
  '~ärger', '~wütend', '~wut(?![\\p{L}])', 'sauer', '~genervt', '~nervig', '~nervt', '~enttäusch', '~frust', 'traurig',
  '~verspät', '~ausfall', '~ausgefallen', 'fällt aus', 'fallen aus', '~störung', '~gestört', '~chaos',
  '~defekt', '~kaputt', '~problem', '~fehler', 'falsch', '~mangel', '~mängel', '~panne', '~streik', '~unfall',
  '~verletzt', '=tot', '=tote[nr]?', '~tödlich', 'gestorben', 'verstorben', '=brand', '~brandanschlag', '~feuer',
  '~gewalt(?!ig)', '~angriff', '~randal', '~polizei', 'festgenommen', '~diebstahl', '~betrug', '~betrüg', '~abzock',
  '~sperrung', '~gesperrt', '~überfüllt', '~verpasst', '~gestrandet', '~unzuverlässig', '~unfreundlich',
  '~unzufrieden', '~inkompetent', '~unfähig', '~peinlich', '~lächerlich', '~unverschämt', '~frechheit', '~zumutung',
  '~unzumutbar', '~skandal', '~desaster', '~elend', 'leid', '~hass', 'nie wieder', 'niemand', 'wart', '~wartezeit',
  '~gewartet', '=teuer', 'teure[nrms]?', '~überteuert', '~dreck', '~schmutzig', '~stinkt', '~eklig', 'kalt', '~hitze',
  '~vergeblich', '~ignoriert', '~beschwer', '~reklamation', 'verloren', 'vermisst', 'mist', '~kacke', '~bescheuert',
  'dumm', '~idiot', '~versag', '~verzweifel', 'sorge', 'schade', 'keine ahnung', 'pech', '~schaden', '~beschädigt',
  '~kritik', '~kritisier', '~entgleis', '~stillstand', 'stecken', 'steckt', '=stau', '~überlastet', '~notfall',
  '~evakuier', '~bombe', '~drohung', '=gefahr', '~gefährlich', '~unpünktlich', '~schwierig', '~verwirr', '~unklar',
  '~anstrengend', '~mühsam', '=wtf', '=omg', '=boah', 'oh mann', '=nein', '=leider', '~nervenaufreibend', '~ausgebucht',
  '~verweiger', '~abgelehnt', '~gekündigt', '~unmöglich', '~unglaublich',
];
const DE_POS = [
  'gut', 'super', 'toll', 'klasse', 'prima', 'perfekt', 'hervorragend', 'ausgezeichnet', 'wunderbar',
  'schön', 'freu', 'danke', 'dank', 'lieb', 'nett', 'freundlich', 'hilfreich', 'zufrieden', 'pünktlich',
  'schnell', 'bequem', 'angenehm', 'empfehle', 'empfehlen', 'spitze', 'genial', 'geil', 'cool', 'juhu',
  'endlich', 'gelöst', 'geklappt', 'klappt', 'funktioniert', 'bravo', 'glück', 'lob', 'gratul', 'günstig',
  'kostenlos', 'gratis', 'besser', 'beste', 'bestens', 'entspannt', 'lecker', 'haha', '=lol', 'gerne', 'gern',
  'vielen dank', 'top', 'fair', 'kompetent', 'zuverlässig', 'sauber', 'ruhig',
];
const DE_PROFANITY = [
  '~scheiß', '~scheiss', '~scheiße', '~scheisse', '~kack', '~verdammt', '~arsch', '~kotz', '~verarsch', '~drecks',
  '~fick', '~wichser', '~mistladen', '~saftladen', '~sauladen', '~penner', '~vollidiot', '~hurens', '~bullshit', '~fuck',
];
const DE_UNACCEPTABLE = [
  '~frechheit', '~unverschämt', '~inakzeptabel', '~unzumutbar', '~zumutung', '~skandal', '~sauerei', '~armutszeugnis',
  'nicht akzeptabel', '~unmöglich', '~unfassbar', '~unglaublich', '~lachnummer', '~witz',
];
const DE_NEGATORS = /(?<![\p{L}])(?:nicht|nichts|nie|niemals|kein|keine|keinen|keinem|keiner|keines|ohne|weder|noch nie|kaum)(?![\p{L}])/u;
const DE_INTENSIFIERS = /(?<![\p{L}])(?:sehr|so|total|echt|wirklich|extrem|absolut|völlig|voll|komplett|mega|super|richtig|äußerst|unglaublich|ziemlich|zu|immer)\s+$/u;
const DE_CONTRAST = /(?<![\p{L}])(?:aber|jedoch|allerdings|trotzdem|dennoch|doch|obwohl|sondern)(?![\p{L}])/gu;

const DE_CC: Array<[string, string, string, string]> = [
  ['waiting_time', 'contact_center', '', `${WS}(?:seit|über|schon|nach|fast|knapp|mehr als|bereits|nun|jetzt)\\s+(?:(?:über|fast|knapp|mehr als|schon)\\s+)?${NUM_DE}\\s+(?:min(?:ute[n]?)?|stunde[n]?|std|tage[n]?|tag|woche[n]?|monat(?:e[n]?)?)${WE}`],
  ['still_waiting', 'contact_center', '', `${WS}(?:warte\\s+(?:immer\\s+)?noch|immer noch (?:nicht|kein\\p{L}*)|noch immer (?:nicht|kein\\p{L}*)|bis heute (?:nicht|kein\\p{L}*)|(?:keine|null) (?:antwort|rückmeldung|reaktion|hilfe|info\\p{L}*))${WE}`],
  ['repeat_contact', 'contact_center', '', `${WS}(?:zum\\s+(?:zweiten|dritten|vierten|fünften|x-ten|zigsten|\\d+\\.?)\\s+mal|schon wieder|immer wieder|mehrmals|mehrfach|zigmal|zig mal|x-mal|erneut|wiederholt|bereits\\s+(?:zweimal|dreimal|\\d+\\s*mal|mehrfach)|(?:zwei|drei|vier|\\d+)\\s*mal\\s+(?:angerufen|geschrieben|gemeldet|nachgefragt))${WE}`],
  ['hold_wait', 'contact_center', 'hotline_wait', `${WS}(?:warteschleife|hotline|callcenter|call-center|kundenservice nicht erreichbar|niemand erreichbar|keiner erreichbar|nicht erreichbar|keiner geht ran|niemand geht ran|besetzt)${WE}`],
  ['cancellation_threat', 'contact_center', 'cancellation_threat', `${WS}(?:kündig\\p{L}*|kündung|vertrag\\s+(?:auflösen|beenden)|anbieter\\s+wechseln|wechsle\\s+(?:den|zu)|zur konkurrenz|nie wieder\\s+(?:bei|mit)|(?:ex-|ehemalige[rn]?\\s)kunde)${WE}`],
  ['legal_threat', 'contact_center', 'legal_threat', `${WS}(?:anwalt|anwältin|rechtsanwalt\\p{L}*|anwalts\\p{L}*|klage|klagen|verklagen|gericht\\p{L}*|verbraucherzentrale|bundesnetzagentur|schlichtungsstelle|rechtliche schritte|juristisch\\p{L}*|anzeige erstatten|strafanzeige)${WE}`],
  ['refund', 'contact_center', 'refund', `${WS}(?:\\p{L}*erstattung|erstatte[nt]?|rückerstatt\\p{L}*|geld zurück|entschädigung\\p{L}*|gutschrift|rückzahlung|fahrgastrechte|entschädigt)${WE}`],
  ['complaint', 'contact_center', '', `${WS}(?:beschwerde\\p{L}*|beschwer\\p{L}*|reklamation\\p{L}*|reklamier\\p{L}*|vorgesetzte[nrm]?|chef)${WE}`],
  ['unclear_bill', 'intent', 'unclear_bill', `${WS}(?:\\p{L}*rechnung\\p{L}*|abbuchung\\p{L}*|abgebucht|lastschrift|gebühr\\p{L}*|zu viel berechnet|doppelt (?:abgebucht|berechnet)|mahnung\\p{L}*|inkasso)${WE}`],
  ['provisioning', 'intent', 'provisioning', `${WS}(?:freischaltung|freigeschaltet|aktivierung|aktiviert|installation|techniker\\p{L}*|anschluss\\p{L}*|bereitstellung|schaltung|umzug|portierung|rufnummernmitnahme|sim-karte|simkarte|einrichtung)${WE}`],
  ['outage', 'intent', 'outage', `${WS}(?:\\p{L}*störung\\p{L}*|\\p{L}*ausfall|\\p{L}*ausfälle|ausgefallen|fällt aus|fallen aus|funktioniert (?:nicht|immer noch nicht|schon wieder nicht)|geht (?:nicht|gar nicht|nix)|kein (?:internet|netz|empfang|strom|wlan)|kaputt|defekt|entfällt|gestrichen)${WE}`],
];

// ---------------------------------------------------------------- compiled
export interface LangLexicon {
  neg: RegExp;
  pos: RegExp;
  profanity: RegExp;
  unacceptable: RegExp;
  negators: RegExp;
  intensifiers: RegExp;
  contrast: RegExp;
  cc: CueRule[];
}

function ccRules(list: Array<[string, string, string, string]>): Array<CueRule & { intent?: string }> {
  return list.map(([cue, kind, intent, src]) => ({
    cue,
    kind,
    polarity: 0 as const,
    intent: intent || undefined,
    re: new RegExp(src, 'gu'),
  }));
}

export const LEXICONS: Record<Lang, LangLexicon & { cc: Array<CueRule & { intent?: string }> }> = {
  en: {
    neg: compile(EN_NEG),
    pos: compile(EN_POS),
    profanity: compile(EN_PROFANITY),
    unacceptable: compile(EN_UNACCEPTABLE),
    negators: EN_NEGATORS,
    intensifiers: EN_INTENSIFIERS,
    contrast: EN_CONTRAST,
    cc: ccRules(EN_CC),
  },
  de: {
    neg: compileDe(DE_NEG),
    pos: compileDe(DE_POS),
    profanity: compileDe(DE_PROFANITY),
    unacceptable: compileDe(DE_UNACCEPTABLE),
    negators: DE_NEGATORS,
    intensifiers: DE_INTENSIFIERS,
    contrast: DE_CONTRAST,
    cc: ccRules(DE_CC),
  },
};

/** Compile tenant-supplied extra negative cue words (literal, case-insensitive, compound-aware in German). */
export function compileExtraWords(words: string[], lang: Lang): RegExp | null {
  const clean = words
    .map((w) => w.trim().toLowerCase())
    .filter((w) => w.length > 0 && w.length <= 64)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  if (clean.length === 0) return null;
  if (lang === 'de') return compileDe(clean.map((w) => `~${w}`));
  return new RegExp(`${WS}(?:${clean.join('|')})${WE}`, 'gu');
}
