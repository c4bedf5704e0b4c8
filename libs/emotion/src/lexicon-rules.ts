/**
 * Word lists for the precision rules (cue-rules.ts): what makes a message *calm* although it names a
 * problem (a plain request, thanks, a solved problem), what makes praise sarcastic ("thanks for
 * charging me twice"), and polite but final warnings ("letztmalig", "final notice"). Written from
 * general customer-service language in both languages, not from the development files.
 * Notation as in lexicon.ts (`word`, `two words`, `stem*`, `~stem`).
 */

export type Lang = 'en' | 'de';

/** What a literal cue means. `cat` drives the analysis; `cue`/`kind` are reported in evidence. */
export interface CueInfo {
  cat: 'neg' | 'pos' | 'profanity' | 'unacceptable' | 'cc' | 'intent' | 'negator' | 'intensifier' | 'contrast' | 'tenant' | RuleCat;
  cue: string;
  kind: string;
  intent?: string;
}

export type RuleCat = 'sarcasm' | 'final' | 'gratitude' | 'praise' | 'resolution' | 'fact' | 'threat_marker' | 'cancel_req' | 'info';

interface RuleLists {
  /** Fixed sarcastic phrases: a cue on their own. */
  sarcasm: string[];
  /** Polite but final escalation: deadlines, last notices, "I will have no choice". */
  final: string[];
  /** Thanks: calm on their own, sarcastic when followed by "for" + a bad fact. */
  gratitude: string[];
  /** Praise that turns sarcastic when a bad fact follows at once ("great, another delay"). */
  praise: string[];
  /** The problem is over: "gelöst", "fixed", "works again". */
  resolution: string[];
  /** Words that open a plain question or request (checked on the first one or two words only, not matched). */
  opener: string[];
  /** Bad facts that make preceding praise sarcastic. */
  fact: string[];
  /** Turn a cancellation request into a threat ("..., otherwise I cancel"); a plain "if" does not. */
  threatMarker: string[];
  /** Cancellation or closing requests: an intent tag; a flag only with a threat marker or other evidence. */
  cancelReq: string[];
  /** "Thanks for letting me know": gratitude for information is sincere. */
  info: string[];
}

const EN: RuleLists = {
  sarcasm: ['thanks for nothing', 'thank you for nothing', 'thanks a lot for nothing', 'thanks for wasting', 'thank you for wasting',
    'oh great', 'oh wonderful', 'oh perfect', 'just great', 'just perfect', 'just what i needed', 'yeah right', 'what a surprise',
    'big surprise', 'as usual', 'how convenient', 'way to go', 'well done guys', 'good job guys', 'nice one'],
  final: ['final warning', 'final notice', 'final reminder', 'final request', 'last warning', 'last chance', 'last reminder',
    'for the last time', 'no choice but', 'no other choice', 'left with no choice', 'have no choice', 'further action',
    'further steps', 'formal notice', 'put you on notice', 'i demand', 'i insist', 'deadline', 'within 7 days',
    'within 14 days', 'within seven days', 'within fourteen days', 'dispute the charge', 'report this to', 'escalate this further'],
  gratitude: ['thanks', 'thank you', 'thank u', 'thx', 'ty', 'many thanks', 'cheers', 'much appreciated', 'appreciate it',
    'appreciate your', 'grateful'],
  praise: ['great', 'wonderful', 'perfect', 'awesome', 'fantastic', 'brilliant', 'lovely', 'excellent', 'amazing', 'super', 'nice',
    'love it', 'i love how', 'love how', 'love that', 'gotta love', 'got to love', 'so glad'],
  resolution: ['solved', 'resolved', 'fixed', 'sorted', 'sorted out', 'works again', 'working again', 'back online', 'back up',
    'all good now', 'no longer', 'cleared up', 'taken care of', 'helped', 'help', 'helpful', 'quick', 'quickly'],
  opener: ['how', 'what', 'whats', "what's", 'where', 'when', 'which', 'who', 'can', 'could', 'would', 'will', 'is', 'are', 'do',
    'does', 'may', 'please', 'pls', "i'd like", 'id like', 'i would like', 'i want to', 'i wanna', 'i need to', 'i need',
    'i wish to', "i'm looking", 'im looking', 'i am looking', 'help me', 'tell me', 'show me', 'is it possible', 'should i',
    'i want', 'i would', 'hello', 'hi', 'hey', 'set', 'check', 'pay', 'change', 'transfer', 'book', 'find', 'order', 'cancel', 'get'],
  fact: ['another', 'again', 'yet again', 'once again', 'twice', 'double', 'nothing', 'more delays', 'more waiting', 'still'],
  threatMarker: ['unless', 'otherwise', 'or else', 'or i will', "or i'll", 'or ill', 'last time', 'elsewhere', 'had enough',
    'fed up', 'last straw'],
  cancelReq: ['cancel my contract', 'cancel my subscription', 'cancel my account', 'cancel my membership', 'cancel my service',
    'cancel my plan', 'cancel my card', 'cancel my order', 'cancelling my', 'canceling my', 'terminate my', 'close my account',
    'close my accounts', 'cancel my broadband', 'cancel my direct debit', 'port my number', 'close out my account',
    'delete my account', 'end my contract', 'end my subscription'],
  info: ['letting me know', 'let me know', 'the update', 'the info', 'the information', 'informing', 'the heads up', 'the reply',
    'your reply', 'the quick', 'your quick', 'your help', 'the help', 'your patience', 'your time', 'checking', 'looking into'],
};

const DE: RuleLists = {
  sarcasm: ['danke für nichts', 'vielen dank für nichts', 'na toll', 'na super', 'na klasse', 'na prima', 'na bravo', 'na danke',
    'ganz toll', 'echt toll', 'wie immer super', 'welch eine überraschung', 'was für eine überraschung', 'wer hätte das gedacht',
    'wie sollte es anders sein', 'wie sollte es auch anders sein', 'herzlichen glückwunsch', 'gut gemacht', 'danke dafür'],
  final: ['letztmalig*', 'letztmals', 'zum letzten mal', 'letzte mahnung', 'letzte aufforderung', 'letzte frist', 'letzte chance',
    'fristsetzung', 'frist von', 'frist bis', 'eine frist', 'nachfrist', 'andernfalls', 'ansonsten sehe ich', 'sehe ich mich gezwungen',
    'bin ich gezwungen', 'gezwungen sein', 'weitere schritte', 'keine andere wahl', 'fordere sie auf', 'fordere ich sie auf',
    'fordere sie hiermit', 'aufforderung', 'bis spätestens', 'ich erwarte', 'erwarte ich', 'unverzüglich', 'ich bestehe darauf',
    'weise ich darauf hin', 'behalte mir vor', 'behalte ich mir'],
  gratitude: ['danke*', 'dank', 'vielen dank', 'herzlichen dank', 'besten dank', 'bedanke*', 'dankbar*', 'merci'],
  praise: ['super', 'toll', 'klasse', 'prima', 'spitze', 'großartig', 'wunderbar', 'perfekt', 'herrlich', 'genial', 'schön'],
  resolution: ['gelöst', 'behoben', 'erledigt', 'geklärt', 'funktioniert wieder', 'klappt wieder', 'geht wieder', 'läuft wieder',
    'wieder da', 'hat sich erledigt', 'in ordnung gebracht', 'repariert', 'beseitigt', 'hilfe', 'geholfen', 'hilfreich*', 'schnell*'],
  opener: ['wie', 'wo', 'wann', 'was', 'welche', 'welcher', 'welches', 'warum nicht', 'kann', 'können', 'könnten', 'könnte', 'kannst',
    'würde', 'würden', 'ist', 'sind', 'gibt', 'gibt es', 'bitte', 'ich möchte', 'ich würde', 'ich brauche', 'ich hätte', 'hätte',
    'darf', 'muss ich', 'soll ich', 'hallo', 'guten tag', 'sehr geehrte', 'sehr geehrter', 'zeig', 'zeige', 'stelle', 'erinnere',
    'spiele', 'buche', 'reserviere', 'suche', 'finde', 'lösche', 'bewerte', 'füge', 'ändere', 'sag', 'sage', 'wird', 'brauche', 'regnet'],
  fact: ['schon wieder', 'wieder', 'wiedermal', 'mal wieder', 'erneut', 'nochmal', 'noch mal', 'doppelt', 'zweimal', 'nichts'],
  threatMarker: ['sonst', 'ansonsten', 'andernfalls', 'es reicht', 'reicht mir', 'letzte mal'],
  cancelReq: ['kündig*', 'kündung', 'vertrag auflösen', 'vertrag beenden', 'sonderkündigung*', 'widerruf*', 'konto schließen',
    'konto auflösen', 'konto löschen', 'abo beenden', 'abonnement beenden', 'mitgliedschaft beenden'],
  info: ['die info', 'die information', 'die informationen', 'die auskunft', 'die antwort', 'ihre antwort', 'die rückmeldung',
    'ihre rückmeldung', 'ihre hilfe', 'die hilfe', 'ihre geduld', 'ihre mühe', 'die schnelle', 'ihre schnelle', 'den hinweis',
    'bescheid'],
};

const RULE_LISTS: Record<Lang, RuleLists> = { en: EN, de: DE };

/** First words (one, or two joined by a space) that open a plain request, per language. */
export const OPENERS: Record<Lang, Set<string>> = { en: new Set(EN.opener), de: new Set(DE.opener) };

/** Matcher entries of the rule words (compiled into the language's one Aho-Corasick automaton). */
export function ruleEntries(lang: Lang): Array<[string, CueInfo]> {
  const l = RULE_LISTS[lang];
  const out: Array<[string, CueInfo]> = [];
  const add = (words: string[], cat: RuleCat, cue: string, kind: string, intent?: string) => {
    for (const w of words) out.push([w, { cat, cue, kind, intent } as CueInfo]);
  };
  add(l.sarcasm, 'sarcasm', 'sarcasm', 'sarcasm');
  add(l.final, 'final', 'final_warning', 'contact_center');
  add(l.gratitude, 'gratitude', 'gratitude', 'rule');
  add(l.praise, 'praise', 'praise', 'rule');
  add(l.resolution, 'resolution', 'resolution', 'rule');
  add(l.fact, 'fact', 'fact', 'rule');
  add(l.threatMarker, 'threat_marker', 'threat_marker', 'rule');
  add(l.cancelReq, 'cancel_req', 'cancellation', 'intent', 'cancellation_threat');
  add(l.info, 'info', 'info', 'rule');
  return out;
}

/**
 * Upper-case words that are names, codes and currencies rather than shouting. Words of at most four
 * letters count as shouting only when they are in SHOUT_SHORT (NOT, NEVER, WHY...) or part of a run
 * of capitals; longer ones unless listed here.
 */
export const ACRONYMS = new Set(['swift', 'sepa', 'iban', 'bic', 'paypal', 'visa', 'mastercard', 'amex', 'usd', 'eur', 'gbp', 'chf',
  'aud', 'cad', 'jpy', 'atm', 'pin', 'apr', 'sms', 'mms', 'pdf', 'vat', 'faq', 'gdpr', 'dsgvo', 'schufa', 'wlan', 'wifi', 'dsl',
  'vdsl', 'lte', 'umts', 'esim', 'iphone', 'ipad', 'android', 'apple', 'google', 'ebay', 'amazon', 'netflix', 'nasdaq',
  'covid', 'ikea', 'adac', 'bahncard', 'fritzbox', 'router', 'ausweis', 'http', 'https', 'html', 'json', 'ascii', 'utc', 'cest',
  'gmbh', 'kyc', 'otp', 'tan', 'mtan', 'pushtan', 'photo', 'email', 'mail']);
export const SHOUT_SHORT = new Set(['not', 'no', 'never', 'why', 'how', 'stop', 'now', 'help', 'wtf', 'omg', 'bad', 'sad', 'mad',
  'hate', 'still', 'again', 'ever', 'late', 'lost', 'fail', 'joke', 'rude', 'sick', 'done', 'very', 'nie', 'nix', 'nein', 'noch',
  'doch', 'mies', 'kein', 'mist', 'warum', 'wann', 'jetzt', 'sofort', 'immer', 'what', 'where', 'want', 'need', 'asap', 'ugh',
  'worst', 'awful', 'angry', 'fed', 'up', 'cant', 'wont', "can't", "won't", 'dont', "don't", 'sind', 'ist', 'alle', 'bitte']);

/**
 * Negative words that state a fact ("problem", "lost", "delayed", "Fehler", "verspätet") rather than
 * an emotion: model features like any cue, but a flag backed only by them needs a sure model.
 * Patterns exactly as they are written in lexicon.ts.
 */
export const FACTUAL_NEG = new Set([
  'problem', 'problems', 'issue', 'issues', 'trouble', 'wrong', 'lost', 'missing', 'delay', 'delays', 'delayed', 'late',
  'later', 'cancelled', 'canceled', 'error', 'errors', 'mistake', 'mistakes', 'incorrect', 'stuck', 'unable', 'denied',
  'refused', 'overbooked', 'slow', 'forced', 'difficult', 'complicated', 'fault', 'broken', 'fail', 'fails', 'failed',
  'failing', 'failure*', 'sorry', 'unfortunately', 'damage*', 'damaged', 'faulty', 'defective', 'incomplete', 'overdue',
  'unresolved', 'unanswered', 'inaccurate', 'hungry', 'dirty', 'stranded', 'cant believe', 'doesnt work', 'didnt work',
  '~problem', '~fehler', 'falsch*', '~verspät', '~verspätet', '~ausfall', '~ausgefallen', 'fällt aus', 'fallen aus',
  '~störung', '~gestört', '~defekt', '~kaputt', '~mangel', '~mängel', '~panne', '~streik', '~unfall', '~verletzt', 'tot',
  'tote', 'toten', 'toter', '~tödlich', 'gestorben', 'verstorben', 'brand', '~feuer', '~polizei', 'festgenommen',
  '~sperrung', '~gesperrt', '~verpass', 'verloren', 'vermisst', '~abgesagt', '~storniert', '~abgebrochen', '~unterbrochen',
  'fehlt', 'fehlen', 'fehlte', 'wart*', '~gewartet', 'leider', 'teuer', 'teure*', 'stau', 'zu spät', '~verzöger',
  '~schwierig', '~unklar', '~überfüllt', '~hitze', '~notfall', '~evakuier', 'stecken*', 'steckt', '~stillstand',
  '~entgleis', 'gefahr', '~gefährlich', '~schaden', '~beschädigt', '~gekündigt', '~abgelehnt', '~verweiger', 'kein anschluss',
  'nein', 'sorge*', 'schade*', 'nix', '~unvollständig', '~verschwunden', '~gestrandet', '~ausgebucht', '~überfällig',
  '~preiserhöhung', '~gekürzt', '~verwechsel', '~irrtum', '~durcheinander', 'nicht erhalten', '~ausfäll',
  'broke', 'fell apart', 'falls apart', '~veraltet', '~renovierungsbedürftig',
]);
