// Utterance templates for synthetic traffic. Written for the load generator, not taken from the
// labelled data sets, so benchmark traffic does not leak evaluation texts.
export type Lang = 'en' | 'de';
export type Mood = 'neutral' | 'negative' | 'complaint';

export const CUSTOMER: Record<Lang, Record<Mood, string[]>> = {
  en: {
    neutral: [
      'Hi, could you tell me when my order will arrive?', 'Thanks, that answers my question.',
      'I would like to change my delivery address please.', 'What are your opening hours on Saturday?',
      'Can I upgrade my plan to the bigger data package?', 'Great, thank you for the quick help!',
      'My customer number is 4711, I moved last month.', 'Is there a discount for students?',
    ],
    negative: [
      'This is unacceptable, I have been waiting for three weeks!', 'I am really disappointed with your service.',
      'Nobody ever answers, this is the worst support I have experienced.', 'Why is this still not fixed?? I am so frustrated!!!',
      'You keep promising and nothing happens. Ridiculous.', 'I have explained this four times already and I am fed up.',
    ],
    complaint: [
      'My bill shows charges I do not understand, please explain them.', 'The internet has been down since yesterday, nothing works.',
      'I was on hold for 45 minutes on your hotline before giving up.', 'If this is not solved today I will cancel my contract.',
      'My new router still has not been activated after ten days.', 'I want a refund for the months without service.',
    ],
  },
  de: {
    neutral: [
      'Hallo, wann kommt meine Bestellung an?', 'Danke, das hat mir geholfen.',
      'Ich möchte meine Lieferadresse ändern.', 'Wie sind Ihre Öffnungszeiten am Samstag?',
      'Kann ich meinen Tarif auf mehr Datenvolumen umstellen?', 'Super, vielen Dank für die schnelle Hilfe!',
      'Meine Kundennummer ist 4711, ich bin umgezogen.', 'Gibt es einen Rabatt für Studenten?',
    ],
    negative: [
      'Das ist eine Frechheit, ich warte seit drei Wochen!', 'Ich bin wirklich enttäuscht von Ihrem Service.',
      'Niemand meldet sich, das ist der schlechteste Kundenservice überhaupt.', 'Warum ist das immer noch nicht behoben?? Ich bin so genervt!!!',
      'Sie versprechen ständig etwas und nichts passiert. Lächerlich.', 'Ich habe das schon viermal erklärt und habe die Nase voll.',
    ],
    complaint: [
      'Meine Rechnung enthält Posten, die ich nicht verstehe.', 'Seit gestern geht das Internet nicht, gar nichts funktioniert.',
      'Ich hing 45 Minuten in Ihrer Hotline in der Warteschleife.', 'Wenn das heute nicht gelöst wird, kündige ich meinen Vertrag.',
      'Mein neuer Router ist nach zehn Tagen immer noch nicht freigeschaltet.', 'Ich möchte eine Erstattung für die Monate ohne Leistung.',
    ],
  },
};

export const AGENT: Record<Lang, string[]> = {
  en: ['Thank you for reaching out, let me check that for you.', 'I am sorry about that, I have escalated it.', 'Done, anything else I can help with?'],
  de: ['Danke für Ihre Nachricht, ich prüfe das gerne.', 'Das tut mir leid, ich habe es weitergegeben.', 'Erledigt, kann ich sonst noch helfen?'],
};
