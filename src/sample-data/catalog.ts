/**
 * Static reference data for the Okta sample-log generator: cities, network
 * operators, names, user agents and SSO apps.
 *
 * Operator names and AS numbers are public company facts used only as labels;
 * every IP address the generator pairs with them comes from documentation /
 * shared / benchmark ranges (see okta-events.ts), so no real host is named.
 */

export interface City {
  key: string;
  city: string;
  state: string;
  /** Full country name, as Okta reports it. */
  country: string;
  postalCode: string;
  lat: number;
  lon: number;
  /** IANA time zone. */
  tz: string;
  /** Standard-time UTC offset in minutes; used only if the runtime lacks time-zone data. */
  fallbackOffsetMin: number;
}

export const CITIES: readonly City[] = [
  // Portugal
  { key: 'lisbon', city: 'Lisbon', state: 'Lisbon', country: 'Portugal', postalCode: '1100-148', lat: 38.7223, lon: -9.1393, tz: 'Europe/Lisbon', fallbackOffsetMin: 0 },
  { key: 'porto', city: 'Porto', state: 'Porto', country: 'Portugal', postalCode: '4000-322', lat: 41.1579, lon: -8.6291, tz: 'Europe/Lisbon', fallbackOffsetMin: 0 },
  { key: 'braga', city: 'Braga', state: 'Braga', country: 'Portugal', postalCode: '4700-320', lat: 41.5454, lon: -8.4265, tz: 'Europe/Lisbon', fallbackOffsetMin: 0 },
  // Germany
  { key: 'berlin', city: 'Berlin', state: 'Land Berlin', country: 'Germany', postalCode: '10115', lat: 52.52, lon: 13.405, tz: 'Europe/Berlin', fallbackOffsetMin: 60 },
  { key: 'leipzig', city: 'Leipzig', state: 'Saxony', country: 'Germany', postalCode: '04109', lat: 51.3397, lon: 12.3731, tz: 'Europe/Berlin', fallbackOffsetMin: 60 },
  { key: 'hamburg', city: 'Hamburg', state: 'Hamburg', country: 'Germany', postalCode: '20095', lat: 53.5511, lon: 9.9937, tz: 'Europe/Berlin', fallbackOffsetMin: 60 },
  { key: 'munich', city: 'Munich', state: 'Bavaria', country: 'Germany', postalCode: '80331', lat: 48.1351, lon: 11.582, tz: 'Europe/Berlin', fallbackOffsetMin: 60 },
  { key: 'cologne', city: 'Cologne', state: 'North Rhine-Westphalia', country: 'Germany', postalCode: '50667', lat: 50.9375, lon: 6.9603, tz: 'Europe/Berlin', fallbackOffsetMin: 60 },
  // Spain
  { key: 'madrid', city: 'Madrid', state: 'Madrid', country: 'Spain', postalCode: '28005', lat: 40.4168, lon: -3.7038, tz: 'Europe/Madrid', fallbackOffsetMin: 60 },
  { key: 'barcelona', city: 'Barcelona', state: 'Catalonia', country: 'Spain', postalCode: '08001', lat: 41.3874, lon: 2.1686, tz: 'Europe/Madrid', fallbackOffsetMin: 60 },
  { key: 'valencia', city: 'Valencia', state: 'Valencia', country: 'Spain', postalCode: '46001', lat: 39.4699, lon: -0.3763, tz: 'Europe/Madrid', fallbackOffsetMin: 60 },
  // United Kingdom
  { key: 'london', city: 'London', state: 'England', country: 'United Kingdom', postalCode: 'EC1A', lat: 51.5074, lon: -0.1278, tz: 'Europe/London', fallbackOffsetMin: 0 },
  { key: 'bristol', city: 'Bristol', state: 'England', country: 'United Kingdom', postalCode: 'BS1', lat: 51.4545, lon: -2.5879, tz: 'Europe/London', fallbackOffsetMin: 0 },
  { key: 'manchester', city: 'Manchester', state: 'England', country: 'United Kingdom', postalCode: 'M1', lat: 53.4808, lon: -2.2426, tz: 'Europe/London', fallbackOffsetMin: 0 },
  { key: 'edinburgh', city: 'Edinburgh', state: 'Scotland', country: 'United Kingdom', postalCode: 'EH1', lat: 55.9533, lon: -3.1883, tz: 'Europe/London', fallbackOffsetMin: 0 },
  // Netherlands
  { key: 'amsterdam', city: 'Amsterdam', state: 'North Holland', country: 'Netherlands', postalCode: '1012', lat: 52.3676, lon: 4.9041, tz: 'Europe/Amsterdam', fallbackOffsetMin: 60 },
  { key: 'utrecht', city: 'Utrecht', state: 'Utrecht', country: 'Netherlands', postalCode: '3511', lat: 52.0907, lon: 5.1214, tz: 'Europe/Amsterdam', fallbackOffsetMin: 60 },
  { key: 'rotterdam', city: 'Rotterdam', state: 'South Holland', country: 'Netherlands', postalCode: '3011', lat: 51.9244, lon: 4.4777, tz: 'Europe/Amsterdam', fallbackOffsetMin: 60 },
  // Remote-only countries
  { key: 'paris', city: 'Paris', state: 'Île-de-France', country: 'France', postalCode: '75001', lat: 48.8566, lon: 2.3522, tz: 'Europe/Paris', fallbackOffsetMin: 60 },
  { key: 'lyon', city: 'Lyon', state: 'Auvergne-Rhône-Alpes', country: 'France', postalCode: '69001', lat: 45.764, lon: 4.8357, tz: 'Europe/Paris', fallbackOffsetMin: 60 },
  { key: 'dublin', city: 'Dublin', state: 'Leinster', country: 'Ireland', postalCode: 'D02', lat: 53.3498, lon: -6.2603, tz: 'Europe/Dublin', fallbackOffsetMin: 0 },
  { key: 'milan', city: 'Milan', state: 'Lombardy', country: 'Italy', postalCode: '20121', lat: 45.4642, lon: 9.19, tz: 'Europe/Rome', fallbackOffsetMin: 60 },
  { key: 'warsaw', city: 'Warsaw', state: 'Mazovia', country: 'Poland', postalCode: '00-001', lat: 52.2297, lon: 21.0122, tz: 'Europe/Warsaw', fallbackOffsetMin: 60 },
  { key: 'stockholm', city: 'Stockholm', state: 'Stockholm County', country: 'Sweden', postalCode: '111 20', lat: 59.3293, lon: 18.0686, tz: 'Europe/Stockholm', fallbackOffsetMin: 60 },
  // United States / Canada
  { key: 'newyork', city: 'New York', state: 'New York', country: 'United States', postalCode: '10013', lat: 40.7128, lon: -74.006, tz: 'America/New_York', fallbackOffsetMin: -300 },
  { key: 'jerseycity', city: 'Jersey City', state: 'New Jersey', country: 'United States', postalCode: '07302', lat: 40.7178, lon: -74.0431, tz: 'America/New_York', fallbackOffsetMin: -300 },
  { key: 'boston', city: 'Boston', state: 'Massachusetts', country: 'United States', postalCode: '02108', lat: 42.3601, lon: -71.0589, tz: 'America/New_York', fallbackOffsetMin: -300 },
  { key: 'sanfrancisco', city: 'San Francisco', state: 'California', country: 'United States', postalCode: '94105', lat: 37.7749, lon: -122.4194, tz: 'America/Los_Angeles', fallbackOffsetMin: -480 },
  { key: 'oakland', city: 'Oakland', state: 'California', country: 'United States', postalCode: '94612', lat: 37.8044, lon: -122.2712, tz: 'America/Los_Angeles', fallbackOffsetMin: -480 },
  { key: 'seattle', city: 'Seattle', state: 'Washington', country: 'United States', postalCode: '98101', lat: 47.6062, lon: -122.3321, tz: 'America/Los_Angeles', fallbackOffsetMin: -480 },
  { key: 'austin', city: 'Austin', state: 'Texas', country: 'United States', postalCode: '78701', lat: 30.2672, lon: -97.7431, tz: 'America/Chicago', fallbackOffsetMin: -360 },
  { key: 'chicago', city: 'Chicago', state: 'Illinois', country: 'United States', postalCode: '60601', lat: 41.8781, lon: -87.6298, tz: 'America/Chicago', fallbackOffsetMin: -360 },
  { key: 'denver', city: 'Denver', state: 'Colorado', country: 'United States', postalCode: '80202', lat: 39.7392, lon: -104.9903, tz: 'America/Denver', fallbackOffsetMin: -420 },
  { key: 'toronto', city: 'Toronto', state: 'Ontario', country: 'Canada', postalCode: 'M5H', lat: 43.6532, lon: -79.3832, tz: 'America/Toronto', fallbackOffsetMin: -300 },
  // Travel / VPN-exit / hosting-only locations
  { key: 'zurich', city: 'Zurich', state: 'Zurich', country: 'Switzerland', postalCode: '8001', lat: 47.3769, lon: 8.5417, tz: 'Europe/Zurich', fallbackOffsetMin: 60 },
  { key: 'tokyo', city: 'Tokyo', state: 'Tokyo', country: 'Japan', postalCode: '100-0005', lat: 35.6762, lon: 139.6503, tz: 'Asia/Tokyo', fallbackOffsetMin: 540 },
  { key: 'singapore', city: 'Singapore', state: 'Central Singapore', country: 'Singapore', postalCode: '018956', lat: 1.3521, lon: 103.8198, tz: 'Asia/Singapore', fallbackOffsetMin: 480 },
  { key: 'ashburn', city: 'Ashburn', state: 'Virginia', country: 'United States', postalCode: '20147', lat: 39.0438, lon: -77.4874, tz: 'America/New_York', fallbackOffsetMin: -300 },
  { key: 'nuremberg', city: 'Nuremberg', state: 'Bavaria', country: 'Germany', postalCode: '90402', lat: 49.4521, lon: 11.0767, tz: 'Europe/Berlin', fallbackOffsetMin: 60 },
  { key: 'roubaix', city: 'Roubaix', state: 'Hauts-de-France', country: 'France', postalCode: '59100', lat: 50.6942, lon: 3.1746, tz: 'Europe/Paris', fallbackOffsetMin: 60 },
  { key: 'saopaulo', city: 'São Paulo', state: 'São Paulo', country: 'Brazil', postalCode: '01310-100', lat: -23.5505, lon: -46.6333, tz: 'America/Sao_Paulo', fallbackOffsetMin: -180 },
  { key: 'shanghai', city: 'Shanghai', state: 'Shanghai', country: 'China', postalCode: '200000', lat: 31.2304, lon: 121.4737, tz: 'Asia/Shanghai', fallbackOffsetMin: 480 },
];

const CITY_BY_KEY = new Map(CITIES.map((c) => [c.key, c] as const));

export function city(key: string): City {
  const c = CITY_BY_KEY.get(key);
  if (!c) throw new Error(`unknown city key ${key}`);
  return c;
}

/** Where the population lives: [city key, relative weight]. */
export const HOME_CITY_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['lisbon', 14], ['porto', 12], ['braga', 3],
  ['berlin', 22], ['leipzig', 3], ['hamburg', 5], ['munich', 5], ['cologne', 3],
  ['madrid', 10], ['barcelona', 5], ['valencia', 2],
  ['london', 20], ['bristol', 3], ['manchester', 4], ['edinburgh', 2],
  ['amsterdam', 10], ['utrecht', 3], ['rotterdam', 2],
  ['paris', 4], ['lyon', 2], ['dublin', 3], ['milan', 2], ['warsaw', 3], ['stockholm', 2],
  ['newyork', 14], ['jerseycity', 3], ['boston', 3],
  ['sanfrancisco', 12], ['oakland', 3], ['seattle', 3],
  ['austin', 3], ['chicago', 3], ['denver', 2], ['toronto', 3],
];

/** Trip destinations (business travel). */
export const TRIP_CITY_KEYS: readonly string[] = [
  'lisbon', 'porto', 'berlin', 'munich', 'madrid', 'barcelona', 'london', 'amsterdam', 'paris',
  'dublin', 'milan', 'stockholm', 'newyork', 'boston', 'sanfrancisco', 'seattle', 'austin',
  'chicago', 'toronto', 'zurich', 'tokyo', 'singapore',
];

export interface NetOperator {
  asNumber: number;
  asOrg: string;
  isp: string;
  domain: string;
}

const op = (asNumber: number, asOrg: string, isp: string, domain: string): NetOperator => ({ asNumber, asOrg, isp, domain });

/** Residential / business broadband operators by country. */
export const BROADBAND: Readonly<Record<string, readonly NetOperator[]>> = {
  Portugal: [
    op(3243, 'MEO - SERVICOS DE COMUNICACOES E MULTIMEDIA S.A.', 'MEO', 'meo.pt'),
    op(2860, 'NOS COMUNICACOES, S.A.', 'NOS', 'nos.pt'),
    op(12353, 'Vodafone Portugal - Communicacoes Pessoais S.A.', 'Vodafone Portugal', 'vodafone.pt'),
  ],
  Germany: [
    op(3320, 'Deutsche Telekom AG', 'Deutsche Telekom AG', 't-ipconnect.de'),
    op(3209, 'Vodafone GmbH', 'Vodafone GmbH', 'vodafone.de'),
    op(6805, 'Telefonica Germany GmbH & Co.OHG', 'Telefonica Germany', 'telefonica.de'),
    op(8881, '1&1 Versatel Deutschland GmbH', '1&1 Versatel', '1und1.de'),
  ],
  Spain: [
    op(3352, 'TELEFONICA DE ESPANA S.A.U.', 'Telefonica de Espana', 'telefonica.es'),
    op(12479, 'Orange Espagne SA', 'Orange Espagne', 'orange.es'),
    op(12430, 'VODAFONE ESPANA S.A.U.', 'Vodafone Spain', 'vodafone.es'),
  ],
  'United Kingdom': [
    op(2856, 'British Telecommunications PLC', 'BT', 'bt.com'),
    op(5089, 'Virgin Media Limited', 'Virgin Media', 'virginmedia.com'),
    op(5607, 'Sky UK Limited', 'Sky Broadband', 'sky.com'),
  ],
  Netherlands: [
    op(1136, 'KPN B.V.', 'KPN', 'kpn.com'),
    op(33915, 'Vodafone Libertel B.V.', 'Ziggo', 'ziggo.nl'),
  ],
  France: [
    op(3215, 'Orange S.A.', 'Orange', 'orange.fr'),
    op(12322, 'Free SAS', 'Free', 'free.fr'),
    op(15557, 'Societe Francaise Du Radiotelephone - SFR SA', 'SFR', 'sfr.fr'),
  ],
  Ireland: [
    op(5466, 'Eircom Limited', 'eir', 'eir.ie'),
    op(6830, 'Liberty Global B.V.', 'Virgin Media Ireland', 'virginmedia.ie'),
  ],
  Italy: [
    op(3269, 'Telecom Italia S.p.A.', 'TIM', 'telecomitalia.it'),
    op(12874, 'Fastweb SpA', 'Fastweb', 'fastweb.it'),
  ],
  Poland: [
    op(5617, 'Orange Polska Spolka Akcyjna', 'Orange Polska', 'orange.pl'),
    op(29314, 'VECTRA S.A.', 'Vectra', 'vectra.pl'),
  ],
  Sweden: [
    op(3301, 'Telia Company AB', 'Telia', 'telia.com'),
    op(8473, 'Bahnhof AB', 'Bahnhof', 'bahnhof.se'),
  ],
  'United States': [
    op(7922, 'Comcast Cable Communications, LLC', 'Comcast Cable', 'comcast.net'),
    op(20115, 'Charter Communications Inc', 'Charter Communications', 'charter.com'),
    op(701, 'Verizon Business', 'Verizon Fios', 'verizon.net'),
    op(7018, 'AT&T Services, Inc.', 'AT&T Internet', 'att.net'),
  ],
  Canada: [
    op(812, 'Rogers Communications Canada Inc.', 'Rogers', 'rogers.com'),
    op(577, 'Bell Canada', 'Bell Canada', 'bell.ca'),
  ],
  Switzerland: [op(3303, 'Swisscom (Schweiz) AG', 'Swisscom', 'swisscom.ch'), op(6730, 'Sunrise GmbH', 'Sunrise', 'sunrise.ch')],
  Japan: [op(2516, 'KDDI CORPORATION', 'KDDI', 'kddi.com'), op(4713, 'NTT Communications Corporation', 'NTT', 'ntt.com')],
  Singapore: [op(7473, 'Singapore Telecommunications Ltd', 'Singtel', 'singtel.com')],
};

/** Mobile carriers by country (only countries where the population lives). */
export const MOBILE: Readonly<Record<string, readonly NetOperator[]>> = {
  Portugal: [op(12353, 'Vodafone Portugal - Communicacoes Pessoais S.A.', 'Vodafone Portugal', 'vodafone.pt'), op(3243, 'MEO - SERVICOS DE COMUNICACOES E MULTIMEDIA S.A.', 'MEO Mobile', 'meo.pt')],
  Germany: [op(6805, 'Telefonica Germany GmbH & Co.OHG', 'O2 Germany', 'telefonica.de'), op(3320, 'Deutsche Telekom AG', 'Telekom Mobilfunk', 't-mobile.de')],
  Spain: [op(12430, 'VODAFONE ESPANA S.A.U.', 'Vodafone Spain', 'vodafone.es')],
  'United Kingdom': [op(12576, 'EE Limited', 'EE Mobile', 'ee.co.uk'), op(25135, 'Vodafone Limited', 'Vodafone UK', 'vodafone.co.uk')],
  Netherlands: [op(1136, 'KPN B.V.', 'KPN Mobile', 'kpn.com')],
  France: [op(5410, 'Bouygues Telecom SA', 'Bouygues Telecom', 'bouyguestelecom.fr')],
  Ireland: [op(15502, 'Vodafone Ireland Limited', 'Vodafone Ireland', 'vodafone.ie')],
  Italy: [op(30722, 'Vodafone Italia S.p.A.', 'Vodafone Italia', 'vodafone.it')],
  Poland: [op(12912, 'T-Mobile Polska S.A.', 'T-Mobile Polska', 't-mobile.pl')],
  Sweden: [op(1257, 'Tele2 Sverige AB', 'Tele2', 'tele2.se')],
  'United States': [
    op(21928, 'T-Mobile USA, Inc.', 'T-Mobile USA', 't-mobile.com'),
    op(6167, 'Cellco Partnership DBA Verizon Wireless', 'Verizon Wireless', 'verizonwireless.com'),
    op(20057, 'AT&T Mobility LLC', 'AT&T Mobility', 'att.com'),
  ],
  Canada: [op(812, 'Rogers Communications Canada Inc.', 'Rogers Wireless', 'rogers.com')],
};

/** Commercial VPN exit operators (hosting networks that VPN services rent). */
export const VPN_OPERATORS: readonly NetOperator[] = [
  op(9009, 'M247 Europe SRL', 'M247 Europe SRL', 'm247.com'),
  op(60068, 'Datacamp Limited', 'Datacamp Limited', 'datacamp.co.uk'),
  op(207137, 'PacketHub S.A.', 'PacketHub S.A.', 'packethub.tech'),
  op(39351, '31173 Services AB', '31173 Services AB', '31173.se'),
  op(136787, 'TEFINCOM S.A.', 'TEFINCOM S.A.', 'tefincom.net'),
];

export const VPN_EXIT_CITY_KEYS: readonly string[] = ['amsterdam', 'zurich', 'london', 'stockholm', 'newyork', 'paris'];

/** Hosting networks that background credential noise comes from: [operator, city key]. */
export const HOSTING_SOURCES: ReadonlyArray<readonly [NetOperator, string]> = [
  [op(14061, 'DigitalOcean, LLC', 'DigitalOcean', 'digitalocean.com'), 'amsterdam'],
  [op(14061, 'DigitalOcean, LLC', 'DigitalOcean', 'digitalocean.com'), 'singapore'],
  [op(16276, 'OVH SAS', 'OVH SAS', 'ovh.net'), 'roubaix'],
  [op(24940, 'Hetzner Online GmbH', 'Hetzner Online GmbH', 'your-server.de'), 'nuremberg'],
  [op(14618, 'Amazon.com, Inc.', 'Amazon.com', 'amazonaws.com'), 'ashburn'],
  [op(4134, 'CHINANET-BACKBONE', 'Chinanet', 'chinatelecom.com.cn'), 'shanghai'],
  [op(28573, 'Claro NXT Telecomunicacoes Ltda', 'Claro NXT', 'claro.com.br'), 'saopaulo'],
  [op(9009, 'M247 Europe SRL', 'M247 Europe SRL', 'm247.com'), 'london'],
];

/** Offices: egress IPs are shared by everyone working there. */
export interface Office {
  key: string;
  cityKey: string;
  ips: readonly string[];
  operator: NetOperator;
}

export const OFFICES: readonly Office[] = [
  { key: 'porto', cityKey: 'porto', ips: ['198.51.100.20'], operator: op(2860, 'NOS COMUNICACOES, S.A.', 'NOS Empresas', 'nos.pt') },
  { key: 'berlin', cityKey: 'berlin', ips: ['198.51.100.21', '198.51.100.22'], operator: op(3320, 'Deutsche Telekom AG', 'Deutsche Telekom AG', 'telekom.de') },
  { key: 'madrid', cityKey: 'madrid', ips: ['198.51.100.23'], operator: op(3352, 'TELEFONICA DE ESPANA S.A.U.', 'Telefonica de Espana', 'telefonica.es') },
  { key: 'london', cityKey: 'london', ips: ['198.51.100.24', '198.51.100.25'], operator: op(2856, 'British Telecommunications PLC', 'BT Business', 'bt.com') },
  { key: 'amsterdam', cityKey: 'amsterdam', ips: ['198.51.100.26'], operator: op(1136, 'KPN B.V.', 'KPN Zakelijk', 'kpn.com') },
  { key: 'newyork', cityKey: 'newyork', ips: ['198.51.100.27', '198.51.100.28'], operator: op(701, 'Verizon Business', 'Verizon Business', 'verizon.com') },
  { key: 'sanfrancisco', cityKey: 'sanfrancisco', ips: ['198.51.100.29', '198.51.100.30'], operator: op(7018, 'AT&T Services, Inc.', 'AT&T Business', 'att.com') },
];

/** Which office (if any) people living in a city can use, and how often (share of workdays). */
export const OFFICE_FOR_CITY: Readonly<Record<string, readonly [string, number]>> = {
  porto: ['porto', 0.55], braga: ['porto', 0.35], lisbon: ['porto', 0.12],
  berlin: ['berlin', 0.55], leipzig: ['berlin', 0.15], hamburg: ['berlin', 0.1],
  madrid: ['madrid', 0.55], barcelona: ['madrid', 0.1], valencia: ['madrid', 0.1],
  london: ['london', 0.55], bristol: ['london', 0.15], manchester: ['london', 0.1],
  amsterdam: ['amsterdam', 0.55], utrecht: ['amsterdam', 0.35], rotterdam: ['amsterdam', 0.3],
  newyork: ['newyork', 0.55], jerseycity: ['newyork', 0.45], boston: ['newyork', 0.1],
  sanfrancisco: ['sanfrancisco', 0.55], oakland: ['sanfrancisco', 0.45], seattle: ['sanfrancisco', 0.08],
};

/** Given-name and family-name pools by country. */
export const NAMES: Readonly<Record<string, { first: readonly string[]; last: readonly string[] }>> = {
  Portugal: {
    first: ['João', 'Maria', 'Ana', 'Pedro', 'Inês', 'Tiago', 'Beatriz', 'Rui', 'Catarina', 'Miguel', 'Sofia', 'Diogo', 'Marta', 'Ricardo', 'Joana', 'Nuno', 'Rita', 'Hugo', 'Carla', 'André', 'Filipa', 'Gonçalo'],
    last: ['Silva', 'Santos', 'Ferreira', 'Pereira', 'Oliveira', 'Costa', 'Rodrigues', 'Sousa', 'Fernandes', 'Gonçalves', 'Gomes', 'Lopes', 'Marques', 'Almeida', 'Ribeiro', 'Carvalho', 'Teixeira', 'Moreira', 'Correia', 'Mendes'],
  },
  Germany: {
    first: ['Lukas', 'Anna', 'Jonas', 'Lena', 'Leon', 'Laura', 'Felix', 'Julia', 'Paul', 'Sarah', 'Maximilian', 'Katharina', 'Tim', 'Lisa', 'Niklas', 'Hannah', 'Jan', 'Sophie', 'Moritz', 'Clara', 'Stefan', 'Miriam'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Hartmann', 'Krüger', 'Lange'],
  },
  Spain: {
    first: ['Carlos', 'Lucía', 'Javier', 'María', 'Pablo', 'Elena', 'Alejandro', 'Carmen', 'Daniel', 'Laura', 'Sergio', 'Marta', 'Álvaro', 'Paula', 'Raúl', 'Cristina', 'Diego', 'Sara', 'Adrián', 'Nuria'],
    last: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Jiménez', 'Ruiz', 'Hernández', 'Díaz', 'Moreno', 'Muñoz', 'Álvarez', 'Romero', 'Navarro', 'Torres', 'Vidal'],
  },
  'United Kingdom': {
    first: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Emily', 'Jack', 'Charlotte', 'James', 'Sophie', 'Thomas', 'Grace', 'William', 'Olivia', 'Daniel', 'Chloe', 'Samuel', 'Lucy', 'Joseph', 'Hannah', 'Priya', 'Arjun'],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Clarke', 'Hughes', 'Shah', 'Khan'],
  },
  Netherlands: {
    first: ['Daan', 'Emma', 'Sem', 'Julia', 'Lucas', 'Sanne', 'Thijs', 'Fleur', 'Bram', 'Lotte', 'Ruben', 'Anouk', 'Jesse', 'Eva', 'Lars', 'Iris'],
    last: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks'],
  },
  France: {
    first: ['Louis', 'Camille', 'Hugo', 'Léa', 'Lucas', 'Chloé', 'Théo', 'Manon', 'Nathan', 'Inès', 'Arthur', 'Juliette', 'Antoine', 'Claire'],
    last: ['Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Fournier'],
  },
  Ireland: {
    first: ['Conor', 'Aoife', 'Seán', 'Niamh', 'Cian', 'Ciara', 'Darragh', 'Siobhán', 'Liam', 'Róisín'],
    last: ['Murphy', 'Kelly', "O'Brien", 'Byrne', 'Ryan', "O'Sullivan", 'Walsh', 'McCarthy', 'Doyle', 'Kennedy'],
  },
  Italy: {
    first: ['Marco', 'Giulia', 'Alessandro', 'Francesca', 'Lorenzo', 'Chiara', 'Matteo', 'Sara', 'Andrea', 'Elena', 'Davide', 'Martina'],
    last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Bruno', 'Gallo'],
  },
  Poland: {
    first: ['Jakub', 'Zofia', 'Kacper', 'Julia', 'Szymon', 'Maja', 'Mateusz', 'Aleksandra', 'Piotr', 'Natalia', 'Tomasz', 'Katarzyna'],
    last: ['Nowak', 'Wójcik', 'Kowalczyk', 'Woźniak', 'Mazur', 'Krawczyk', 'Kaczmarek', 'Zając', 'Król', 'Wieczorek'],
  },
  Sweden: {
    first: ['Erik', 'Elsa', 'Oscar', 'Maja', 'William', 'Alva', 'Lucas', 'Astrid', 'Hugo', 'Ella', 'Axel', 'Saga'],
    last: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Lindberg', 'Lindqvist'],
  },
  'United States': {
    first: ['Michael', 'Jennifer', 'David', 'Jessica', 'Christopher', 'Ashley', 'Matthew', 'Emily', 'Joshua', 'Sarah', 'Andrew', 'Megan', 'Ryan', 'Lauren', 'Brandon', 'Rachel', 'Kevin', 'Nicole', 'Justin', 'Priya', 'Wei', 'Carlos', 'Aisha', 'Omar', 'Mei', 'Raj', 'Tyler', 'Hannah'],
    last: ['Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Garcia', 'Rodriguez', 'Wilson', 'Anderson', 'Thomas', 'Moore', 'Jackson', 'Lee', 'Nguyen', 'Patel', 'Kim', 'Chen', 'Walker', 'Young', 'Hill', 'Scott', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter', 'Mitchell'],
  },
  Canada: {
    first: ['Liam', 'Olivia', 'Noah', 'Emma', 'Ethan', 'Charlotte', 'Benjamin', 'Chloe', 'Mathieu', 'Gabrielle'],
    last: ['Tremblay', 'Gagnon', 'Roy', 'Campbell', 'MacDonald', 'Wong', 'Singh', 'Martin', 'Leblanc', 'Stewart'],
  },
};

export interface UserAgentInfo {
  rawUserAgent: string;
  os: string;
  browser: string;
  device: 'Computer' | 'Mobile' | 'Unknown';
}

const ua = (rawUserAgent: string, os: string, browser: string, device: UserAgentInfo['device']): UserAgentInfo => ({ rawUserAgent, os, browser, device });

export const DESKTOP_AGENTS: ReadonlyArray<readonly [UserAgentInfo, number]> = [
  [ua('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'Mac OS X', 'CHROME', 'Computer'), 30],
  [ua('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', 'Mac OS X', 'SAFARI', 'Computer'), 8],
  [ua('Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:127.0) Gecko/20100101 Firefox/127.0', 'Mac OS X', 'FIREFOX', 'Computer'), 6],
  [ua('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'Windows 10', 'CHROME', 'Computer'), 25],
  [ua('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0', 'Windows 10', 'EDGE', 'Computer'), 12],
  [ua('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0', 'Windows 10', 'FIREFOX', 'Computer'), 4],
  [ua('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36', 'Linux', 'CHROME', 'Computer'), 6],
  [ua('Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0', 'Linux', 'FIREFOX', 'Computer'), 5],
];

export const MOBILE_AGENTS: ReadonlyArray<readonly [UserAgentInfo, number]> = [
  [ua('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1', 'iOS', 'SAFARI', 'Mobile'), 55],
  [ua('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36', 'Android', 'CHROME', 'Mobile'), 25],
  [ua('Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36', 'Android', 'CHROME', 'Mobile'), 20],
];

/** User agents of background credential noise (scripts and the odd browser). */
export const NOISE_AGENTS: readonly UserAgentInfo[] = [
  ua('curl/8.4.0', 'Unknown', 'UNKNOWN', 'Unknown'),
  ua('Go-http-client/1.1', 'Unknown', 'UNKNOWN', 'Unknown'),
  ua('okhttp/4.12.0', 'Unknown', 'UNKNOWN', 'Unknown'),
  ua('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36', 'Windows 10', 'CHROME', 'Computer'),
  ua('Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0', 'Linux', 'FIREFOX', 'Computer'),
];

export interface AppDef {
  label: string;
  /** URL slug used in the SSO request URI. */
  slug: string;
  signOnMode: 'SAML_2_0' | 'OPENID_CONNECT';
  /** Relative popularity. */
  weight: number;
}

export const APPS: readonly AppDef[] = [
  { label: 'Google Workspace', slug: 'google', signOnMode: 'SAML_2_0', weight: 30 },
  { label: 'Slack', slug: 'slack', signOnMode: 'SAML_2_0', weight: 25 },
  { label: 'Zoom', slug: 'zoomus', signOnMode: 'SAML_2_0', weight: 10 },
  { label: 'Atlassian Cloud', slug: 'atlassian', signOnMode: 'SAML_2_0', weight: 14 },
  { label: 'GitHub Enterprise Cloud - Organization', slug: 'githubcloud', signOnMode: 'SAML_2_0', weight: 10 },
  { label: 'AWS IAM Identity Center', slug: 'amazon_aws_sso', signOnMode: 'SAML_2_0', weight: 6 },
  { label: 'Salesforce.com', slug: 'salesforce', signOnMode: 'SAML_2_0', weight: 8 },
  { label: 'Workday', slug: 'workday', signOnMode: 'SAML_2_0', weight: 3 },
  { label: 'Notion', slug: 'notion', signOnMode: 'SAML_2_0', weight: 6 },
  { label: 'Figma', slug: 'figma', signOnMode: 'SAML_2_0', weight: 4 },
  { label: 'Datadog', slug: 'datadog', signOnMode: 'SAML_2_0', weight: 4 },
  { label: 'Okta Dashboard', slug: 'okta_enduser', signOnMode: 'OPENID_CONNECT', weight: 8 },
];

/** Mistyped / guessed usernames seen in background UNKNOWN_USER noise. */
export const UNKNOWN_USERNAMES: readonly string[] = [
  'admin', 'administrator', 'test', 'info', 'support', 'it', 'helpdesk', 'root', 'user', 'hr',
  'sales', 'office', 'jsmith', 'john.smith', 'j.doe', 'backup', 'scanner', 'service', 'ceo', 'finance',
];
