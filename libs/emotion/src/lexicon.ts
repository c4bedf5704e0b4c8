/**
 * Hand-written cue lexicons for English and German contact-center messages.
 *
 * Written from general knowledge of complaint language, not extracted from the development
 * files: no brand, airline or station names. Notation (see matcher.ts): `word` / `two words`
 * whole words, `stem*` word prefix, `~stem` anywhere inside a word (German compounds).
 */
import { CueMatcher } from './matcher';
import { FACTUAL_NEG, ruleEntries, type CueInfo, type Lang } from './lexicon-rules';

// The cue types live with the rule tables (which need them), so neither file imports the other back.
export type { CueInfo, Lang } from './lexicon-rules';

// ---------------------------------------------------------------- English
const EN_NEG = [
  'bad', 'worse', 'worst', 'terrible*', 'horrible', 'horribly', 'awful*', 'horrendous', 'dreadful', 'poor', 'poorly',
  'lousy', 'suck', 'sucks', 'sucked', 'sucky', 'hate', 'hates', 'hated', 'hateful', 'hating', 'angry', 'angrier',
  'mad', 'furious', 'livid', 'upset*', 'annoy*', 'frustrat*', 'irritat*', 'disappoint*', 'disgust*', 'sick of',
  'tired of', 'fed up', 'fail', 'fails', 'failed', 'failure*', 'failing', 'broken', 'useless', 'incompeten*', 'rude*',
  'unhelpful', 'unprofessional', 'lie', 'lies', 'lied', 'lying', 'liar', 'liars', 'scam*', 'rip off', 'ripoff',
  'ripped off', 'stuck', 'stranded', 'lost', 'missing', 'delay', 'delays', 'delayed', 'late', 'later', 'cancelled',
  'canceled', 'problem', 'problems', 'issue', 'issues', 'trouble', 'wrong', 'mess', 'messed', 'nightmare', 'disaster',
  'chaos', 'fiasco', 'hell', 'ugh', 'ughh', 'ughhh', 'argh', 'sigh', 'smh', 'seriously', 'pathetic', 'joke',
  'never again', 'nobody', 'no one', 'ignore', 'ignored', 'ignoring', 'waste', 'wasted', 'wasting', 'unable',
  'worried', 'sad', 'sorry', 'miserable', 'unhappy', 'dissatisf*', 'unsatisf*', 'stupid', 'idiot', 'idiots',
  'crap', 'crappy', 'garbage', 'trash', 'fault', 'denied', 'refused', 'overbooked', 'dirty', 'hungry',
  'uncomfortable', 'shocked', 'appall*', 'inexcusable', 'unreliable', 'misleading', 'mistake', 'mistakes', 'error',
  'errors', 'hassle', 'forced', 'overpriced', 'slow', 'slowest', 'impossible', 'confused', 'confusing', 'kidding',
  'unbelievable', 'insane', 'crazy', 'screwed', 'screw up', 'terrible', 'worthless', 'awful', 'disappointing',
  'embarrass*', 'horrific', 'atrocious', 'abysmal', 'unfriendly', 'careless', 'clueless', 'incorrect', 'nonsense',
  'stressful', 'stress', 'complicated', 'difficult', 'painful', 'pain', 'sucks', 'blame', 'blamed', 'threaten*',
  'hostage', 'ruin*', 'damage*', 'unfortunately', 'regret*', 'doesnt work', 'didnt work', 'hours late', 'cant believe',
  // General review language (products, restaurants, hotels), beyond airline and contact-center words.
  'negligent', 'unwelcom*', 'theft', 'bland', 'undercooked', 'overcooked', 'greasy', 'unhealthy', 'lukewarm', 'discomfort',
  'mediocre', 'cumbersome', 'unusable', 'drawback*', 'weird', 'stale', 'soggy', 'tasteless', 'flavorless', 'flimsy', 'junk',
  'rip-off', 'unpleasant', 'inedible', 'subpar', 'sub-par', 'shoddy', 'noisy', 'dissapoint*', 'disapoint*', 'not worth', 'waste of time', 'fell apart', 'falls apart', 'broke', 'cheaply made', 'poor quality',
  // Customer-service language beyond the development data (telecom, bank, energy, retail).
  'let down', 'sick and tired', 'had enough', 'enough is enough', 'last straw', 'fobbed off', 'runaround', 'run around', 'shocking', 'woeful', 'shambles', 'shambolic', 'farce', 'rubbish', 'hopeless', 'gutted', 'fuming', 'cheated', 'misled', 'mis-sold', 'missold', 'robbery', 'dishonest', 'unfair', 'unjust*', 'not good enough', 'not impressed', 'no one knows', 'nobody knows', 'left in the dark', 'kept in the dark', 'your fault', 'your mistake', 'your error', 'chasing', 'chased', 'fobbing', 'passed around', 'pushed around', 'helpless', 'powerless', 'infuriat*', 'exasperat*', 'aggravat*', 'outraged', 'horrified', 'distressed', 'despair*', 'ashamed', 'shame', 'neglected', 'unanswered', 'unresolved', 'overdue', 'damaged', 'faulty', 'defective', 'incomplete', 'unjustified', 'inaccurate', 'rude', 'arrogant', 'condescending', 'patronising', 'patronizing', 'dismissive', 'incompetence',
];
const EN_POS = [
  'good', 'great', 'excellent', 'amazing', 'awesome', 'fantastic', 'wonderful', 'perfect', 'perfectly', 'love',
  'loves', 'loved', 'loving', 'lovely', 'nice', 'happy', 'glad', 'pleased', 'satisfied', 'thanks', 'thank', 'thx',
  'ty', 'appreciate*', 'helpful', 'friendly', 'best', 'better', 'fast', 'quick', 'quickly', 'smooth', 'easy',
  'enjoy*', 'impress*', 'recommend*', 'fine', 'cool', 'sweet', 'brilliant', 'superb', 'outstanding', 'resolved',
  'fixed', 'worked', 'on time', 'early', 'comfortable', 'beautiful', 'welcome', 'yay', 'kudos', 'congrats',
  'congratulations', 'lol', 'haha', 'hahaha', 'pleasure', 'exceptional', 'professional', 'grateful', 'favorite',
  'favourite', 'fun', 'excited', 'exciting', 'hero', 'heroes', 'rock', 'rocks', 'wow', 'thankful', 'kind', 'polite',
  // Customer-service language beyond the development data (telecom, bank, energy, retail).
  'smoothly', 'solved', 'sorted', 'sorted out', 'works', 'working again', 'back online', 'all good', 'cheers', 'much appreciated', 'great job', 'well done', 'spot on', 'quick response', 'courteous', 'patient', 'efficient',
];
const EN_PROFANITY = [
  'fuck*', 'f*ck', 'f**k', 'shit', 'shitty', 'shits', 'bullshit', 'damn', 'damned', 'damnit', 'dammit', 'goddamn',
  'ass', 'asshole*', 'bastard*', 'bitch*', 'wtf', 'stfu', 'pissed', 'piss', 'bs', 'jackass', 'sucks ass',
];
const EN_UNACCEPTABLE = [
  'unacceptable', 'not acceptable', 'outrageous', 'disgrace', 'disgraceful', 'ridiculous', 'inexcusable',
  'appalling', 'shameful', 'scandal*', 'a joke', 'absurd', 'absolutely ridiculous', 'shame on you',
  // Customer-service language beyond the development data (telecom, bank, energy, retail).
  'beyond a joke', 'not good enough', 'shambolic', 'laughable', 'daylight robbery', 'disgusting', 'totally unacceptable', 'completely unacceptable', 'how dare you',
];
const EN_NEGATORS = [
  'not', 'no', 'never', 'nothing', 'none', 'nobody', 'without', 'hardly', 'barely', 'neither', 'nor', 'cannot', 'cant',
  'dont', 'wont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'arent', 'werent', 'couldnt', 'wouldnt', 'shouldnt', 'havent',
  'hasnt', 'aint', "n't", "can't", "don't", "won't", "didn't", "doesn't", "isn't", "wasn't", "aren't", "weren't",
  "couldn't", "wouldn't", "shouldn't", "haven't", "hasn't", "ain't",
  // Customer-service language beyond the development data (telecom, bank, energy, retail).
  'anything but', 'far from',
];
const EN_INTENSIFIERS = [
  'very', 'so', 'really', 'extremely', 'totally', 'absolutely', 'completely', 'utterly', 'incredibly', 'super', 'such',
  'too', 'most', 'truly', 'beyond', 'seriously', 'highly', 'terribly', 'insanely',
];
const EN_CONTRAST = ['but', 'however', 'although', 'though', 'except'];

/** Contact-center phrases: [cue, intent (or ''), phrases]. */
const EN_CC: Array<[string, string, string[]]> = [
  ['still_waiting', '', ['still waiting', 'still no', 'still not', 'still nothing', 'still havent', "still haven't",
    'been waiting', 'keep waiting', 'yet to receive', 'yet to hear', 'yet to get', 'no response', 'no reply', 'no answer',
    'no update', 'no updates', 'no callback', 'no call back', 'no help', 'no information', 'no info', 'never heard back',
    'never got', 'never received', 'still hasnt', "still hasn't", 'waiting for hours', 'waiting for days', 'still on hold',
    'no one got back', 'nobody got back', 'never got back', 'never called back', 'never called me back', 'didnt call back', "didn't call back", 'no one called', 'nobody called', 'still not received', 'still not fixed', 'still not resolved', 'still pending', 'weeks later', 'months later', 'was promised', 'were promised', 'you promised', 'been promised', 'promised to call', 'keep being told', 'kept being told', 'still unresolved', 'nothing has happened', 'nothing happened', 'not heard back', 'havent heard back', "haven't heard back", 'no acknowledgement', 'no confirmation']],
  ['repeat_contact', '', ['again and again', 'yet again', 'once again', 'over and over', 'every time', 'every single time',
    'keep calling', 'keep getting', 'keep asking', 'keep trying', 'called again', 'called twice', 'called three times',
    'several times', 'multiple times', 'many times', 'numerous times', 'countless times', 'repeatedly', 'umpteenth',
    'second time', 'third time', 'fourth time', 'fifth time', 'another call', 'third call', 'second call',
    'third email', 'second email', 'third attempt', 'again today', 'still the same', 'same problem', 'same issue',
    'each time', 'time after time', 'for the third time', 'for the second time', 'already called', 'already told', 'already explained', 'already sent', 'same answer', 'called several times', 'wrote several times', 'written several times', 'umpteen', 'countless calls', 'fourth call', 'third chat', 'third letter', 'second complaint', 'third complaint', 'every month', 'keeps happening', 'happened again', 'again and again']],
  ['hold_wait', 'hotline_wait', ['on hold', 'hold music', 'hold time', 'hold times', 'call center', 'call centre',
    'callcenter', 'hotline', 'customer service line', 'phone line', 'waiting on the phone', 'nobody answers',
    'no one answers', 'cant get through', "can't get through", 'busy signal', 'phone queue', 'in the queue',
    'wait time', 'wait times', 'waiting time', 'hung up on', 'disconnected me', 'call dropped',
    'nobody picks up', 'no one picks up', 'nobody answered', 'no one answered', 'kept on hold', 'put on hold', 'transferred again', 'transferred me', 'cut off']],
  // Plain cancellation requests ("cancel my contract") are intent tags (lexicon-rules.ts `cancelReq`); these are threats.
  ['cancellation_threat', 'cancellation_threat', ['switching to another', 'switch to another',
    'switch providers', 'switching providers', 'taking my business elsewhere', 'take my business elsewhere',
    'never fly with you again', 'never flying with you', 'never use you again', 'never again with', 'last time i fly',
    'last time i use', 'done with you', 'lost a customer', 'lost a loyal customer', 'former customer', 'ex customer',
    'find another', 'going elsewhere', 'leaving you', 'never book', 'never booking',
    'leaving your', 'moving to another', 'move to another', 'switching supplier', 'switch supplier', 'switching bank', 'switch banks', 'switching banks', 'find a new provider', 'never order from you', 'never shop', 'never buy from you', 'never recommend', 'not recommend', 'wont recommend', "won't recommend", 'stop doing business']],
  ['legal_threat', 'legal_threat', ['lawyer', 'lawyers', 'attorney*', 'sue', 'suing', 'lawsuit', 'legal action',
    'court', 'small claims', 'class action', 'ombudsman', 'consumer protection', 'better business bureau', 'bbb',
    'dot complaint', 'fcc', 'report you', 'reporting you',
    'financial ombudsman', 'ofcom', 'ofgem', 'trading standards', 'regulator', 'cfpb', 'solicitor', 'solicitors', 'legal advice', 'take legal', 'consumer rights', 'data protection authority']],
  ['refund', 'refund', ['refund*', 'money back', 'reimburse*', 'compensat*', 'chargeback', 'charge back', 'voucher',
    'vouchers', 'credit back', 'pay me back', 'paid back']],
  ['complaint', '', ['complaint*', 'complain', 'complained', 'complaining', 'file a claim', 'escalate', 'escalated',
    'supervisor', 'manager', 'speak to someone', 'talk to a human', 'real person',
    'formal complaint', 'raise a complaint', 'lodge a complaint', 'speak to a manager', 'speak to your manager']],
];
const EN_INTENTS: Array<[string, string, string[]]> = [
  ['unclear_bill', 'unclear_bill', ['bill', 'bills', 'billed', 'billing', 'invoice*', 'overcharg*', 'double charged',
    'charged twice', 'charged me', 'hidden fee', 'hidden fees', 'fee', 'fees', 'statement', 'direct debit',
    'wrong amount', 'extra charge', 'charges']],
  ['provisioning', 'provisioning', ['activate', 'activated', 'activation', 'installation', 'install', 'installed',
    'setup', 'set up', 'technician', 'engineer visit', 'new line', 'new connection', 'new contract', 'port my number',
    'porting', 'sim card', 'connection date', 'not connected', 'not activated', 'not yet activated', 'go live', 'delivery date']],
  ['outage', 'outage', ['outage*', 'down again', 'is down', 'are down', 'went down', 'not working', 'doesnt work',
    "doesn't work", 'does not work', 'isnt working', "isn't working", 'stopped working', 'no internet', 'no signal',
    'no service', 'no connection', 'no power', 'no wifi', 'no wi-fi', 'service interruption', 'service disruption',
    'service failure', 'system error', 'system failure', 'glitch', 'crash', 'crashed', 'crashes', 'crashing',
    'cancelled flight', 'canceled flight', 'flight cancelled', 'flight canceled', 'cancelled flightled',
    'website down', 'app down', 'site down', 'offline', 'broken', 'been down', 'down since', 'still down',
    'nothing works', 'nothing is working', 'not working at all', "can't connect", 'cannot connect', 'keeps dropping',
    'keeps disconnecting', 'no dial tone', 'no reception']],
];
const EN_WAIT_TRIGGERS = ['for', 'over', 'since', 'after', 'almost', 'nearly', 'about', 'than', 'waited', 'waiting',
  'wait', 'past', 'last', 'been', 'another', 'spent', 'already', 'hold'];
const EN_TIME_UNITS = ['min', 'mins', 'minute', 'minutes', 'hour', 'hours', 'hr', 'hrs', 'h', 'day', 'days', 'week',
  'weeks', 'month', 'months', 'year', 'years'];
const EN_NUMBER_WORDS = ['a', 'an', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'fifteen', 'twenty', 'thirty', 'forty', 'fifty', 'several', 'many', 'few', 'couple', 'multiple',
  'half'];
const EN_REPEAT_UNITS = ['times', 'calls', 'emails', 'attempts', 'tweets', 'messages'];

// ---------------------------------------------------------------- German
const DE_NEG = [
  'schlecht*', '~schlimm', '~furchtbar', '~schrecklich', '~katastroph', '~grauenhaft', '~grauenvoll', '~miserabel',
  '~ärger', '~wütend', 'wut', 'sauer', '~genervt', '~nervig', '~nervt', '~enttäusch', '~frust', 'traurig*',
  '~verspät', '~ausfall', '~ausgefallen', 'fällt aus', 'fallen aus', '~störung', '~gestört', '~chaos',
  '~defekt', '~kaputt', '~problem', '~fehler', 'falsch*', '~mangel', '~mängel', '~panne', '~streik', '~unfall',
  '~verletzt', 'tot', 'tote', 'toten', 'toter', '~tödlich', 'gestorben', 'verstorben', 'brand', '~brandanschlag',
  '~feuer', '~gewalt', '~angriff', '~randal', '~polizei', 'festgenommen', '~diebstahl', '~betrug', '~betrüg',
  '~abzock', '~sperrung', '~gesperrt', '~überfüllt', '~verpass', '~gestrandet', '~unzuverlässig', '~unfreundlich',
  '~unzufrieden', '~inkompetent', '~unfähig', '~peinlich', '~lächerlich', '~unverschämt', '~zumutung', '~unzumutbar',
  '~skandal', '~desaster', '~elend', 'leid*', '~hass', 'nie wieder', 'niemand*', 'wart*', '~gewartet', 'teuer',
  'teure*', '~überteuert', '~dreck', '~schmutzig', '~stinkt', '~eklig', '~hitze', '~vergeblich',
  '~ignoriert', '~beschwer', '~reklamation', 'verloren', 'vermisst', 'mist', '~kacke', '~bescheuert', 'dumm*',
  '~idiot', '~versag', '~verzweifel', 'sorge*', 'schade*', 'keine ahnung', 'pech', '~schaden', '~beschädigt',
  '~kritik', '~kritisier', '~entgleis', '~stillstand', 'stecken*', 'steckt', 'stau', '~überlastet', '~notfall',
  '~evakuier', '~bombe', '~drohung', 'gefahr', '~gefährlich', '~unpünktlich', '~schwierig', '~verwirr', '~unklar',
  '~anstrengend', '~mühsam', 'wtf', 'omg', 'boah', 'oh mann', 'nein', 'leider', '~nervenaufreibend', '~ausgebucht',
  '~verweiger', '~abgelehnt', '~gekündigt', '~unmöglich', '~unglaublich', 'blöd*', 'doof*', 'mies*', 'übel*', 'fies*',
  '~hässlich', '~verzöger', '~verärger', '~empör', '~zorn', '~stress', 'ärgern', '~beschissen', '~grottig',
  '~unterirdisch', 'lahm*', '~ewigkeit', '~stundenlang', '~tagelang', '~wochenlang', 'nix', '~verschlechter',
  '~preiserhöhung', 'zu spät', '~verspätet', '~versäum', '~missachte', '~vergess', 'vergaß', '~unhöflich',
  '~respektlos', '~schikan', '~horror', '~albtraum', '~alptraum', '~schlamperei', '~sauerei', '~murks', '~pfusch',
  '~schrott', '~müll', '~versprochen', '~bedauer', '~beklag', '~vorwurf', '~vorwürfe', '~opfer', '~unterbrochen',
  '~abgebrochen', '~abgesagt', '~storniert', 'kein anschluss', '~gekürzt', 'zu teuer', '~durcheinander',
  '~verwechsel', '~irrtum',
  // Customer-service language beyond the development data (telecom, bank, energy, retail).
  // General review and complaint words (hotel, product, service), beyond rail and contact-center language.
  '~lärm', '~verschimmelt', '~schimmlig', '~abgewohnt', '~renovierungsbedürftig', '~heruntergekommen', '~unorganisiert',
  '~überfordert', '~veraltet', '~muffig', '~unsauber', '~verdreckt', '~ungepflegt', '~unbrauchbar', '~nutzlos',
  '~minderwertig', '~billigst', '~ungenießbar', 'zu wünschen übrig', 'nicht zu empfehlen', '~ausfäll',
  'stinksauer', '~fassungslos', '~entsetz', '~schockiert', '~unverständlich', 'nicht nachvollziehbar', '~ungerechtfertigt', '~unberechtigt', '~unseriös', 'dreist*', '~wucher', '~lachhaft', 'unterste schublade', '~kundenfeindlich', '~servicewüste', '~schande', '~blamabel', '~beschämend', '~armselig', '~erbärmlich', '~jämmerlich', 'grottenschlecht', 'saumäßig', '~mangelhaft', '~ungenügend', '~überfällig', '~ungerecht', '~unfair', '~gelogen', '~belogen', 'lüge*', 'lügen', '~verschwieg', 'versteckte kosten', 'satt', 'es reicht', 'reicht mir', 'reicht jetzt', 'keine lust mehr', 'geduld', 'nerven', '~abgewimmelt', '~vertröstet', '~hingehalten', '~weiterverbunden', 'im stich', '~hilflos', '~machtlos', '~ausgenutzt', '~abgezockt', '~betrogen', 'übers ohr', '~zornig', '~zerkratzt', '~verbeult', '~unvollständig', 'fehlt', 'fehlen', 'fehlte', '~verschwunden', '~unauffindbar', '~schlamperei', '~chaotisch', '~unzuverlässig', '~verantwortungslos', '~respektlos', '~arrogant', '~herablassend', 'unverschämtheit', '~ärgernis', '~beschwerlich', '~zeitverschwendung', '~verschwendet', '~unbrauchbar', '~nutzlos', '~sinnlos', '~umsonst', '~erfolglos', 'nicht funktioniert', 'nicht geklappt', 'nicht gelöst', 'nicht behoben', 'nicht erledigt', 'nicht geholfen', 'keine hilfe', '~falschlieferung', '~falschberatung', '~fehlbuchung', '~doppelbuchung', 'ungefragt', '~eigenmächtig', '~willkür',
];
const DE_POS = [
  'gut*', 'super*', 'toll*', 'klasse', 'prima', 'perfekt*', 'hervorragend*', 'ausgezeichnet*', 'wunderbar*',
  'schön*', 'freu*', 'danke*', 'dank', 'dankbar*', 'lieb*', 'nett*', 'freundlich*', 'hilfreich*', 'zufrieden*',
  'pünktlich*', 'schnell*', 'bequem*', 'angenehm*', 'empfehle*', 'spitze', 'genial*', 'geil*', 'cool*', 'juhu',
  'endlich', 'gelöst', 'geklappt', 'klappt', 'funktioniert', 'bravo', 'glück*', 'lob*', 'gratul*', 'günstig*',
  'kostenlos*', 'gratis', 'besser*', 'beste*', 'bestens', 'entspannt*', 'lecker*', 'haha*', 'lol', 'gerne', 'gern',
  'vielen dank', 'top', 'fair*', 'kompetent*', 'zuverlässig*', 'sauber*', 'ruhig*',
  // Customer-service language beyond the development data (telecom, bank, energy, retail).
  'hilfsbereit*', 'reibungslos*', 'problemlos*', 'unkompliziert*', 'kulant*', 'erledigt', 'geklärt', 'behoben', 'herzlich*', 'gefällt', 'gefallen', 'passt', 'alles gut', 'alles bestens', 'wunderbar', 'vorbildlich*', 'zuvorkommend*', 'geduldig*', 'kompetent*', 'professionell*', 'erfreulich*',
];
const DE_PROFANITY = [
  '~scheiß', '~scheiss', '~kack', '~verdammt', 'arsch*', '~arschloch', '~arschgeige', '~vollarsch', '~kotz', '~verarsch', '~drecks', '~fick', '~wichser',
  '~mistladen', '~saftladen', '~sauladen', '~penner', '~vollidiot', '~hurens', '~bullshit', '~fuck', 'wtf',
  // Customer-service language beyond the development data (telecom, bank, energy, retail).
  '~verflucht', 'verdammt', 'zum kotzen',
];
const DE_UNACCEPTABLE = [
  '~frechheit', '~unverschämt', '~inakzeptabel', '~unzumutbar', '~zumutung', '~skandal', '~sauerei', '~armutszeugnis',
  'nicht akzeptabel', '~unfassbar', '~lachnummer', 'witz', 'ein witz', 'unmöglich',
  // Customer-service language beyond the development data (telecom, bank, energy, retail).
  '~unerhört', '~dreistigkeit', '~unverschämtheit', '~bodenlos', '~schweinerei', '~unverantwortlich', '~ungeheuerlich', '~riesensauerei', 'das geht so nicht', 'so geht das nicht',
];
const DE_NEGATORS = ['nicht', 'nichts', 'nie', 'niemals', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'keines',
  'ohne', 'weder', 'kaum',
  // Customer-service language beyond the development data (telecom, bank, energy, retail).
  'keinerlei', 'alles andere als', 'nirgends',
];
const DE_INTENSIFIERS = ['sehr', 'so', 'total', 'echt', 'wirklich', 'extrem', 'absolut', 'völlig', 'voll', 'komplett',
  'mega', 'super', 'richtig', 'äußerst', 'unglaublich', 'ziemlich', 'zu', 'immer', 'besonders', 'maßlos'];
const DE_CONTRAST = ['aber', 'jedoch', 'allerdings', 'trotzdem', 'dennoch', 'obwohl', 'sondern'];

const DE_CC: Array<[string, string, string[]]> = [
  ['still_waiting', '', ['warte immer noch', 'warte noch immer', 'warten immer noch', 'immer noch nicht',
    'immer noch kein', 'immer noch keine', 'noch immer nicht', 'noch immer kein', 'noch immer keine', 'bis heute nicht',
    'bis heute kein', 'bis heute keine', 'keine antwort', 'keine rückmeldung', 'keine reaktion', 'keine hilfe',
    'keine info', 'keine information', 'keine informationen', 'nie zurückgerufen', 'nicht zurückgerufen',
    'nichts gehört', 'nichts passiert', 'nie angekommen', 'nicht angekommen',
    'nach wie vor', 'bis jetzt nicht', 'bis jetzt kein', 'bis jetzt keine', 'bisher nicht', 'bisher kein', 'bisher keine', 'bislang nicht', 'bislang kein', 'bislang keine', 'nicht reagiert', 'reagiert nicht', 'reagiert niemand', 'niemand reagiert', 'keiner reagiert', 'meldet sich nicht', 'meldet sich niemand', 'meldet sich keiner', 'niemand meldet sich', 'keiner meldet sich', 'nicht gemeldet', 'nie gemeldet', 'ohne antwort', 'unbeantwortet', 'nicht beantwortet', 'nie beantwortet', 'nicht erhalten', 'nie erhalten', 'nicht bekommen', 'nie bekommen', 'nicht geliefert', 'nie geliefert', 'kein rückruf', 'keinen rückruf', 'wurde versprochen', 'wurde mir versprochen', 'wurde zugesagt', 'wurde mir zugesagt', 'trotz zusage', 'trotz mehrfacher', 'trotz mehrmaliger', 'trotz mehrerer', 'trotz nachfrage', 'trotz erinnerung', 'nicht zuständig', 'niemand zuständig', 'keiner zuständig', 'fühlt sich niemand', 'fühlt sich keiner', 'immer noch', 'noch immer']],
  ['repeat_contact', '', ['zum zweiten mal', 'zum dritten mal', 'zum vierten mal', 'zum fünften mal', 'zum x-ten mal',
    'zum zigsten mal', 'zum wiederholten mal', 'schon wieder', 'immer wieder', 'mehrmals', 'mehrfach', 'zigmal',
    'zig mal', 'x-mal', 'erneut', 'wiederholt', 'zweimal', 'dreimal', 'viermal', 'fünfmal', 'jedes mal', 'jedesmal',
    'wie immer', 'mal wieder', 'wieder mal', 'wieder einmal', 'das gleiche problem', 'dasselbe problem',
    'bereits mehrfach', 'schon mehrfach', 'schon zweimal', 'schon dreimal', 'ständig', 'dauernd', 'andauernd', 'permanent', 'wieder und wieder', 'x-te mal', 'zig-mal', 'zigste', 'zum x. mal', 'nun schon', 'jetzt schon wieder', 'wiederholten', 'zahlreiche', 'unzählige*', 'etliche anrufe', 'mehrere anrufe', 'mehrere mails']],
  ['hold_wait', 'hotline_wait', ['warteschleife*', 'hotline*', 'callcenter*', 'call-center*', 'kundenservice nicht erreichbar',
    'niemand erreichbar', 'keiner erreichbar', 'nicht erreichbar', 'keiner geht ran', 'niemand geht ran', 'besetzt',
    'aufgelegt', 'rausgeworfen', 'wartezeit*', '~servicenummer',
    'niemand hebt ab', 'keiner hebt ab', 'niemand geht ans telefon', 'keiner geht ans telefon', 'aus der leitung', 'weiterverbunden', 'verbunden und', 'ständig besetzt']],
  ['cancellation_threat', 'cancellation_threat', ['anbieter wechseln', 'wechsle den', 'wechsle zu', 'zur konkurrenz', 'nie wieder bei', 'nie wieder mit',
    'ex-kunde', 'ehemaliger kunde', 'ehemalige kundin', 'letzte mal bei',
    'fristlos*', 'anbieterwechsel*', 'den anbieter wechseln', 'die bank wechseln', 'bank wechseln', 'versorger wechseln', 'nie wieder bestellen', 'nie wieder kaufen', 'nicht mehr weiterempfehlen', 'nicht weiterempfehlen', 'kann ich nicht empfehlen', 'kunde gewesen', 'kunde war']],
  ['legal_threat', 'legal_threat', ['anwalt', 'anwältin', 'rechtsanwalt*', 'anwalts*', 'klage', 'klagen', 'verklagen',
    'vor gericht', 'vors gericht', 'zum gericht', 'ans gericht', 'gerichts*', '~amtsgericht', '~landgericht', 'verbraucherzentrale*', 'bundesnetzagentur', 'schlichtungsstelle', 'rechtliche schritte',
    'juristisch*', 'anzeige erstatten', 'strafanzeige*', 'mahnverfahren',
    'ombudsmann', 'ombudsstelle', 'bafin', 'schlichtung*', 'rechtsweg', 'abmahnung*', 'datenschutzbeauftragte*', 'rechtsschutz*', 'anwaltlich*', 'gerichtlich*', 'bundesnetzagentur*']],
  ['refund', 'refund', ['~erstattung', 'erstatten', 'erstattet', 'rückerstatt*', 'geld zurück', 'entschädigung*',
    'entschädigt', 'gutschrift*', 'rückzahlung*', 'fahrgastrechte*', 'zurückzahlen', 'zurückerstatten']],
  ['complaint', '', ['beschwerde*', 'beschwer*', 'reklamation*', 'reklamier*', 'vorgesetzte*', 'chef',
    'vorgesetzten sprechen', 'mit einem menschen',
    'reklamieren', 'beanstand*', 'mängelrüge', 'dienstaufsichtsbeschwerde', 'vorgesetzten', 'mit ihrem chef']],
];
const DE_INTENTS: Array<[string, string, string[]]> = [
  ['unclear_bill', 'unclear_bill', ['~rechnung', 'abbuchung*', 'abgebucht', 'lastschrift*', 'gebühr*', '~gebühren',
    'zu viel berechnet', 'doppelt abgebucht', 'doppelt berechnet', 'mahnung*', 'inkasso*', 'berechnet']],
  ['provisioning', 'provisioning', ['freischaltung*', 'freigeschaltet', 'aktivierung*', 'aktiviert', 'installation*',
    'techniker*', '~anschluss', 'bereitstellung*', 'schaltung*', 'umzug*', 'portierung*', 'rufnummernmitnahme',
    'sim-karte*', 'simkarte*', 'einrichtung*', 'liefertermin*', 'lieferung*']],
  ['outage', 'outage', ['~störung', '~ausfall', '~ausfälle', 'ausgefallen', 'fällt aus', 'fallen aus',
    'funktioniert nicht', 'funktioniert immer noch nicht', 'funktioniert schon wieder nicht', 'geht nicht',
    'geht gar nicht', 'geht nix', 'kein internet', 'kein netz', 'kein empfang', 'kein strom', 'kein wlan', 'kaputt*',
    'defekt*', 'entfällt', 'gestrichen', 'offline', 'down', 'nichts funktioniert', 'funktioniert nichts', 'geht nichts',
    'internet nicht', 'telefon nicht', 'keine verbindung', 'bricht ständig ab', 'bricht immer ab', 'kein netz mehr']],
];
const DE_WAIT_TRIGGERS = ['seit', 'über', 'schon', 'nach', 'fast', 'knapp', 'als', 'bereits', 'nun', 'jetzt', 'mehr',
  'ganze', 'ganzen', 'geschlagene', 'geschlagenen', 'volle', 'vollen'];
const DE_TIME_UNITS = ['min', 'minute', 'minuten', 'stunde', 'stunden', 'std', 'tag', 'tage', 'tagen', 'woche',
  'wochen', 'monat', 'monate', 'monaten', 'jahr', 'jahre', 'jahren'];
const DE_NUMBER_WORDS = ['ein', 'eine', 'einer', 'einem', 'einen', 'zwei', 'drei', 'vier', 'fünf', 'sechs', 'sieben',
  'acht', 'neun', 'zehn', 'elf', 'zwölf', 'zwanzig', 'dreißig', 'mehrere', 'mehreren', 'viele', 'vielen', 'paar',
  'etliche', 'etlichen', 'anderthalb', 'eineinhalb', 'halbe', 'halben'];
const DE_REPEAT_UNITS = ['mal', 'anrufe', 'mails', 'e-mails', 'versuche'];

// ---------------------------------------------------------------- compiled
export interface LangLexicon {
  matcher: CueMatcher<CueInfo>;
  waitTriggers: Set<string>;
  timeUnits: Set<string>;
  numberWords: Set<string>;
  repeatUnits: Set<string>;
}

function entries(lists: {
  neg: string[]; pos: string[]; profanity: string[]; unacceptable: string[]; negators: string[];
  intensifiers: string[]; contrast: string[]; cc: Array<[string, string, string[]]>; intents: Array<[string, string, string[]]>;
}): Array<[string, CueInfo]> {
  const out: Array<[string, CueInfo]> = [];
  const fact: CueInfo = { cat: 'neg', cue: 'problem_word', kind: 'fact' };
  const emo: CueInfo = { cat: 'neg', cue: 'negative_word', kind: 'lexicon' };
  for (const w of lists.neg) out.push([w, FACTUAL_NEG.has(w) ? fact : emo]);
  for (const w of lists.pos) out.push([w, { cat: 'pos', cue: 'positive_word', kind: 'lexicon' }]);
  for (const w of lists.profanity) out.push([w, { cat: 'profanity', cue: 'profanity', kind: 'profanity' }]);
  for (const w of lists.unacceptable) out.push([w, { cat: 'unacceptable', cue: 'unacceptable', kind: 'contact_center' }]);
  for (const w of lists.negators) out.push([w, { cat: 'negator', cue: 'negator', kind: 'negation' }]);
  for (const w of lists.intensifiers) out.push([w, { cat: 'intensifier', cue: 'intensifier', kind: 'intensifier' }]);
  for (const w of lists.contrast) out.push([w, { cat: 'contrast', cue: 'contrast', kind: 'contrast' }]);
  for (const [cue, intent, ws] of lists.cc) {
    for (const w of ws) out.push([w, { cat: 'cc', cue, kind: 'contact_center', intent: intent || undefined }]);
  }
  for (const [cue, intent, ws] of lists.intents) {
    for (const w of ws) out.push([w, { cat: 'intent', cue, kind: 'intent', intent }]);
  }
  return out;
}

/**
 * German spelling variants: umlauts and ß written as ae/oe/ue/ss (keyboards without umlauts,
 * Swiss spelling, old e-mail systems), so "Aerger", "enttaeuscht" and "Strasse" find the same cues.
 */
const UMLAUT_FOLD: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };
export function withGermanSpellings<T>(list: Array<[string, T]>): Array<[string, T]> {
  const out = list.slice();
  const seen = new Set(list.map(([p]) => p));
  for (const [p, d] of list) {
    if (!/[äöüß]/.test(p)) continue;
    const v = p.replace(/[äöüß]/g, (c) => UMLAUT_FOLD[c]);
    if (!seen.has(v)) {
      seen.add(v);
      out.push([v, d]);
    }
  }
  return out;
}

function germanSet(words: string[]): Set<string> {
  return new Set(withGermanSpellings(words.map((w) => [w, 0] as [string, number])).map(([w]) => w));
}

export const LEXICONS: Record<Lang, LangLexicon> = {
  en: {
    matcher: new CueMatcher(entries({
      neg: EN_NEG, pos: EN_POS, profanity: EN_PROFANITY, unacceptable: EN_UNACCEPTABLE, negators: EN_NEGATORS,
      intensifiers: EN_INTENSIFIERS, contrast: EN_CONTRAST, cc: EN_CC, intents: EN_INTENTS,
    }).concat(ruleEntries('en'))),
    waitTriggers: new Set(EN_WAIT_TRIGGERS),
    timeUnits: new Set(EN_TIME_UNITS),
    numberWords: new Set(EN_NUMBER_WORDS),
    repeatUnits: new Set(EN_REPEAT_UNITS),
  },
  de: {
    matcher: new CueMatcher(withGermanSpellings(entries({
      neg: DE_NEG, pos: DE_POS, profanity: DE_PROFANITY, unacceptable: DE_UNACCEPTABLE, negators: DE_NEGATORS,
      intensifiers: DE_INTENSIFIERS, contrast: DE_CONTRAST, cc: DE_CC, intents: DE_INTENTS,
    }).concat(ruleEntries('de')))),
    waitTriggers: germanSet(DE_WAIT_TRIGGERS),
    timeUnits: germanSet(DE_TIME_UNITS),
    numberWords: germanSet(DE_NUMBER_WORDS),
    repeatUnits: germanSet(DE_REPEAT_UNITS),
  },
};

/** Compile tenant-supplied extra negative cue words (literal; German ones also match inside compounds). */
export function compileExtraWords(words: string[], lang: Lang): CueMatcher<CueInfo> | null {
  const clean = words
    .map((w) => w.trim().toLowerCase().replace(/[*~=]/g, ''))
    .filter((w) => w.length > 0 && w.length <= 64);
  if (clean.length === 0) return null;
  const info: CueInfo = { cat: 'tenant', cue: 'tenant_word', kind: 'tenant' };
  const list = clean.map((w) => [lang === 'de' ? `~${w}` : w, info] as [string, CueInfo]);
  return new CueMatcher(lang === 'de' ? withGermanSpellings(list) : list);
}
