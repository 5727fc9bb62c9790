/**
 * Word lists for generated customers: countries with their locales,
 * currencies and cities, names, companies and streets.
 */

/** A country the generator places customers in, with what follows from it. */
export interface Country {
  /** ISO 3166 alpha-3, as addresses and nationalities are written. */
  code: string;
  /** ISO 3166 alpha-2, as templates are named (`MULTICURR_SEK_SE`). */
  alpha2: string;
  locales: readonly string[];
  currency: string;
  cities: readonly string[];
  phonePrefix: string;
}

export const COUNTRIES: readonly Country[] = [
  {
    code: 'FIN',
    alpha2: 'FI',
    locales: ['fi_FI', 'sv_FI'],
    currency: 'EUR',
    cities: ['Helsinki', 'Espoo', 'Tampere', 'Turku', 'Mariehamn'],
    phonePrefix: '+35840',
  },
  {
    code: 'SWE',
    alpha2: 'SE',
    locales: ['sv_SE'],
    currency: 'SEK',
    cities: ['Stockholm', 'Göteborg', 'Malmö', 'Uppsala'],
    phonePrefix: '+4670',
  },
  {
    code: 'NOR',
    alpha2: 'NO',
    locales: ['nb_NO', 'nn_NO'],
    currency: 'NOK',
    cities: ['Oslo', 'Bergen', 'Trondheim'],
    phonePrefix: '+4791',
  },
  {
    code: 'DNK',
    alpha2: 'DK',
    locales: ['da_DK'],
    currency: 'DKK',
    cities: ['København', 'Aarhus', 'Odense'],
    phonePrefix: '+4520',
  },
  {
    code: 'POL',
    alpha2: 'PL',
    locales: ['pl_PL'],
    currency: 'PLN',
    cities: ['Warszawa', 'Kraków', 'Gdańsk'],
    phonePrefix: '+4850',
  },
  {
    code: 'EST',
    alpha2: 'EE',
    locales: ['et_EE'],
    currency: 'EUR',
    cities: ['Tallinn', 'Tartu'],
    phonePrefix: '+3725',
  },
  {
    code: 'GBR',
    alpha2: 'GB',
    locales: ['en_GB'],
    currency: 'GBP',
    cities: ['London', 'Leeds', 'Bristol'],
    phonePrefix: '+447',
  },
];

export const FIRST_NAMES = [
  'Matti',
  'Aino',
  'Elias',
  'Helmi',
  'Oskar',
  'Saga',
  'Lars',
  'Ingrid',
  'Piotr',
  'Zofia',
  'Mette',
  'Jonas',
  'Liisa',
  'Erik',
  'Maja',
  'Noah',
];
export const MIDDLE_NAMES = ['Juha', 'Maria', 'Johan', 'Anna', 'Karl', 'Sofia'];
export const LAST_NAMES = [
  'Korhonen',
  'Virtanen',
  'Nieminen',
  'Andersson',
  'Johansson',
  'Hansen',
  'Nowak',
  'Kowalski',
  'Tamm',
  'Smith',
  'Lindqvist',
  'Mäkinen',
  'Jensen',
  'Berg',
];
export const COMPANY_WORDS = [
  'Nordic',
  'Baltic',
  'Aurora',
  'Fjord',
  'Polar',
  'Harbour',
  'Granite',
  'Birch',
  'Lumen',
  'Kestrel',
];
export const COMPANY_KINDS = [
  'Logistics',
  'Foods',
  'Software',
  'Retail',
  'Energy',
  'Design',
  'Builders',
  'Travel',
];
export const COMPANY_FORMS: Record<string, string> = {
  FIN: 'Oy',
  SWE: 'AB',
  NOR: 'AS',
  DNK: 'ApS',
  POL: 'Sp. z o.o.',
  EST: 'OÜ',
  GBR: 'Ltd',
};
export const STREETS = [
  'Kings street',
  'Mannerheimintie',
  'Drottninggatan',
  'Karl Johans gate',
  'Strøget',
  'Nowy Świat',
  'Viru',
  'High Street',
];
export const AUTHORITIES: Record<string, string> = {
  FIN: 'Patent and Registration Office',
  SWE: 'Bolagsverket',
  NOR: 'Brønnøysundregistrene',
  DNK: 'Erhvervsstyrelsen',
  POL: 'KRS',
  EST: 'Äriregister',
  GBR: 'Companies House',
};
