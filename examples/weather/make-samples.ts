/**
 * Regenerates the committed sample data of the weather pipeline, deterministically:
 *   npx tsx examples/weather/make-samples.ts
 *
 * - data/wunderground/*.xlsx: Weather Underground daily exports (one sheet, one station,
 *   one day) with the noise real exports carry (NBSP, º/˚ degree signs, empty cells),
 *   observations every 5 min (ILAMAD25) and 10 min (IICHTE19) in local time, across the
 *   2024-10-27 autumn DST change, plus ILAMAD25 on the 2024-03-31 spring change.
 * - data/infoclimat/*.json: InfoClimat open-data payloads for 4 stations, hourly, values as
 *   strings, empty strings and nulls, with the `_params` key.
 * - data/files/: JSONL, CSV and Airbyte raw JSONL samples for the `files` source.
 * - data/README.md: the list of deliberately bad rows with file, row and expected reason.
 *
 * The measurements are plausible synthetic values (a seeded PRNG around a diurnal cycle),
 * not real observations.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
// Seeded, so the committed files are reproducible byte for byte in content.
import { mulberry32 as prng } from '../../src/common/prng.js';

const DATA = join(import.meta.dirname, 'data');


interface BadRow {
  file: string;
  row: number | string;
  what: string;
  reason: string;
}
const badRows: BadRow[] = [];

// ---------------------------------------------------------------- Weather Underground

interface WuStation {
  id: string;
  zone: string;
  everyMin: number;
  firstMinute: number;
  title?: (date: string) => string;
  days: string[];
  seed: number;
  baseF: number;
}

const COMPASS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];
const HEADER = ['Time', 'Temperature', 'Dew Point', 'Humidity', 'Wind', 'Speed', 'Gust', 'Pressure', 'Precip. Rate.', 'Precip. Accum.', 'UV', 'Solar'];

type Mutator = (cells: string[], rowNumber: number, file: string) => void;

function wuRows(st: WuStation, date: string, rnd: () => number): string[][] {
  const start = DateTime.fromISO(date, { zone: st.zone }).startOf('day');
  const end = start.plus({ days: 1 });
  const rows: string[][] = [];
  let t = start.plus({ minutes: st.firstMinute });
  let dir = Math.floor(rnd() * 16);
  let pressure = 29.6 + rnd() * 0.5;
  let accum = 0;
  const rainy = rnd() < 0.5;
  while (t < end) {
    // Weather follows the sun, not the clock: the cycle runs on UTC (≈ solar time at 3° E),
    // like the InfoClimat samples, so the two sources agree once their times are in UTC.
    const utc = t.toUTC();
    const hourOfDay = utc.hour + utc.minute / 60;
    const diurnal = Math.sin(((hourOfDay - 9) / 24) * 2 * Math.PI);
    const tempF = st.baseF + 6 * diurnal + (rnd() - 0.5) * 0.8;
    const spread = 2 + 3 * Math.max(0, diurnal) + rnd();
    const dewF = tempF - spread;
    // Humidity and pressure in the ranges the InfoClimat samples use: both sources describe the same region.
    const humidity = Math.min(99, Math.round(95 - spread * 3.3));
    dir = (dir + (rnd() < 0.2 ? (rnd() < 0.5 ? 15 : 1) : 0)) % 16;
    const speed = Math.max(0, 4 + 4 * Math.max(0, diurnal) + (rnd() - 0.5) * 4);
    const gust = speed + rnd() * 5;
    pressure = (1012 + (rnd() - 0.5) * 8) / 33.8639;
    const raining = rainy && hourOfDay > 14 && hourOfDay < 17;
    const rate = raining ? Math.round(rnd() * 8) / 100 : 0;
    accum += (rate * st.everyMin) / 60;
    const sun = Math.max(0, Math.sin(((hourOfDay - 7.5) / 11) * Math.PI));
    const solar = Math.round(sun * 260 * (0.6 + rnd() * 0.4));
    const uv = Math.round(sun * 2);
    // Noise as real exports have it: NBSP before units, variant degree signs, a blank gust now and then.
    const deg = ['°', '°', '°', 'º', '˚'][Math.floor(rnd() * 5)]!;
    const sp = rnd() < 0.3 ? '\u00a0' : ' ';
    rows.push([
      t.toFormat('h:mm a', { locale: 'en-US' }),
      `${tempF.toFixed(1)}${sp}${deg}F`,
      `${dewF.toFixed(1)}${sp}${deg}F`,
      `${humidity}${sp}%`,
      speed < 0.5 ? 'Calm' : COMPASS[dir]!,
      `${speed.toFixed(1)}${sp}mph`,
      rnd() < 0.03 ? '' : `${gust.toFixed(1)}${sp}mph`,
      `${pressure.toFixed(2)}${sp}in`,
      `${rate.toFixed(2)}${sp}in`,
      `${accum.toFixed(2)}${sp}in`,
      String(uv),
      `${solar}${sp}w/m²`,
    ]);
    t = t.plus({ minutes: st.everyMin });
  }
  return rows;
}

async function writeWuFile(st: WuStation, date: string, mutate?: Mutator): Promise<void> {
  const file = `wunderground/${st.id}_${date}.xlsx`;
  const rnd = prng(st.seed + Number(date.replace(/-/g, '')));
  const rows = wuRows(st, date, rnd);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'proofline make-samples';
  wb.created = new Date(Date.UTC(2024, 10, 1));
  wb.modified = wb.created;
  const ws = wb.addWorksheet(st.id);
  let firstDataRow = 2;
  if (st.title) {
    ws.addRow([st.title(date)]);
    firstDataRow = 3;
  }
  ws.addRow(HEADER);
  rows.forEach((cells, i) => {
    mutate?.(cells, firstDataRow + i, file);
    ws.addRow(cells);
  });
  const path = join(DATA, file);
  mkdirSync(dirname(path), { recursive: true });
  await wb.xlsx.writeFile(path);
}

/** Row number (in the sheet) of the first row whose Time cell equals `time`. */
function at(time: string, fn: (cells: string[], row: number, file: string) => void, occurrence = 1): Mutator {
  let seen = 0;
  return (cells, row, file) => {
    if (cells[0] === time && ++seen === occurrence) fn(cells, row, file);
  };
}

const ILAMAD25: WuStation = {
  id: 'ILAMAD25',
  zone: 'Europe/Paris',
  everyMin: 5,
  firstMinute: 4,
  days: ['2024-10-25', '2024-10-26', '2024-10-27', '2024-10-28'],
  seed: 25,
  baseF: 55,
};
const IICHTE19: WuStation = {
  id: 'IICHTE19',
  zone: 'Europe/Brussels',
  everyMin: 10,
  firstMinute: 2,
  // The date of these exports is also written in the sheet, above the header.
  title: (date) => `WeerstationBS (IICHTE19) - Ichtegem - ${date}`,
  days: ['2024-10-26', '2024-10-27', '2024-10-28'],
  seed: 19,
  baseF: 53,
};

async function writeWunderground(): Promise<void> {
  const mutators: Record<string, Mutator> = {
    'ILAMAD25_2024-10-25': at('3:04 PM', (c, row, file) => {
      c[1] = 'sensor err';
      badRows.push({ file, row, what: 'Temperature = "sensor err"', reason: 'mapper: number_format on Temperature' });
    }),
    'ILAMAD25_2024-10-26': at('6:34 AM', (c, row, file) => {
      c[3] = '120 %';
      badRows.push({ file, row, what: 'Humidity = "120 %"', reason: 'schema: humidity_pct maximum 100' });
    }),
    'ILAMAD25_2024-10-27': (() => {
      let seen = 0;
      return (c: string[], row: number, file: string) => {
        if (c[0] !== '2:04 AM') return;
        seen += 1;
        const [which, offset] = seen === 1 ? ['first', 'summer (UTC+2): 00:04 UTC'] : ['second', 'winter (UTC+1): 01:04 UTC'];
        badRows.push({ file, row, what: `Time = "2:04 AM" (${which} occurrence)`, reason: `valid: the autumn repeat, kept with the ${offset}` });
      };
    })(),
    'IICHTE19_2024-10-26': at('1:32 PM', (c, row, file) => {
      c[1] = '188.6 ˚F';
      badRows.push({ file, row, what: 'Temperature = "188.6 ˚F" (87 °C)', reason: 'schema: temperature_c maximum 60' });
    }),
    'IICHTE19_2024-10-27': at('9:12 AM', (c, row, file) => {
      c[4] = 'NXW';
      badRows.push({ file, row, what: 'Wind = "NXW"', reason: 'mapper: compass_format on Wind' });
    }),
    'IICHTE19_2024-10-28': at('4:42 PM', (c, row, file) => {
      c[0] = '';
      badRows.push({ file, row, what: 'Time empty', reason: 'mapper: time_format on Time' });
    }),
  };
  for (const st of [ILAMAD25, IICHTE19]) for (const d of st.days) await writeWuFile(st, d, mutators[`${st.id}_${d}`]);
  // Spring change: 02:00–02:59 does not exist in Europe/Paris on 2024-03-31; a row claims 2:34 AM.
  const spring: WuStation = { ...ILAMAD25, baseF: 48 };
  let inserted = false;
  await writeWuFile(spring, '2024-03-31', (c, row, file) => {
    if (!inserted && c[0] === '3:04 AM') {
      inserted = true;
      c[0] = '2:34 AM';
      badRows.push({ file, row, what: 'Time = "2:34 AM"', reason: 'mapper: dst_gap (inside the missing spring hour)' });
    }
  });
}

// ---------------------------------------------------------------- InfoClimat

const IC_STATIONS = [
  { id: '07015', name: 'Lille-Lesquin', latitude: 50.57, longitude: 3.0975, elevation: 47, type: 'synop', baseC: 12 },
  { id: '07149', name: 'Orly', latitude: 48.7167, longitude: 2.3842, elevation: 89, type: 'synop', baseC: 14 },
  { id: '000R5', name: 'Marcq-en-Barœul', latitude: 50.672, longitude: 3.095, elevation: 25, type: 'static', baseC: 12.5 },
  { id: 'STATIC0010', name: 'Bondues', latitude: 50.701, longitude: 3.094, elevation: 37, type: 'static', baseC: 12.2 },
];
const LICENSE = {
  license: 'CC BY 4.0',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  source: 'infoclimat.fr',
  metadonnees: 'https://www.infoclimat.fr/opendata/produits-possibles.php',
};
const PARAMS = ['temperature', 'pression', 'humidite', 'point_de_rosee', 'visibilite', 'vent_moyen', 'vent_rafales', 'vent_direction', 'pluie_3h', 'pluie_1h', 'neige_au_sol', 'nebulosite', 'temps_omm'];

function icPayload(days: string[], seed: number, file: string): object {
  const rnd = prng(seed);
  const hourly: Record<string, unknown> = {};
  for (const st of IC_STATIONS) {
    const rows: Record<string, unknown>[] = [];
    for (const day of days) {
      for (let h = 0; h < 24; h++) {
        const diurnal = Math.sin(((h - 9) / 24) * 2 * Math.PI);
        const temp = st.baseC + 4 * diurnal + (rnd() - 0.5);
        const synop = st.type === 'synop';
        const str = (v: number, d: number): string => v.toFixed(d);
        rows.push({
          id_station: st.id,
          dh_utc: `${day} ${String(h).padStart(2, '0')}:00:00`,
          temperature: str(temp, 1),
          pression: str(1012 + (rnd() - 0.5) * 8, 1),
          humidite: String(Math.round(85 - 15 * Math.max(0, diurnal) + rnd() * 5)),
          point_de_rosee: str(temp - 2 - 3 * Math.max(0, diurnal), 1),
          visibilite: synop ? String(Math.round(10000 + rnd() * 30000)) : null,
          vent_moyen: str(8 + rnd() * 15, 1),
          vent_rafales: rnd() < 0.2 ? '' : str(20 + rnd() * 20, 1),
          vent_direction: String(Math.round(180 + rnd() * 90)),
          pluie_3h: synop && h % 3 === 0 ? str(rnd() < 0.8 ? 0 : rnd() * 3, 1) : null,
          pluie_1h: rnd() < 0.85 ? '0' : str(rnd() * 1.5, 1),
          neige_au_sol: null,
          nebulosite: synop ? String(Math.floor(rnd() * 9)) : '',
          temps_omm: synop ? (rnd() < 0.7 ? null : String([2, 3, 10, 21, 61][Math.floor(rnd() * 5)])) : null,
        });
      }
    }
    hourly[st.id] = rows;
  }
  const bad = (id: string, i: number, patch: Record<string, unknown>, what: string, reason: string): void => {
    const rows = hourly[id] as Record<string, unknown>[];
    Object.assign(rows[i]!, patch);
    const position = IC_STATIONS.findIndex((s) => s.id === id) * rows.length + i + 1;
    badRows.push({ file, row: `${position} (hourly.${id}[${i}])`, what, reason });
  };
  if (days[0] === '2024-10-25') {
    bad('07149', 5, { humidite: '120' }, 'humidite = "120"', 'schema: humidity_pct maximum 100');
    bad('07015', 30, { temperature: '12,4 a' }, 'temperature = "12,4 a"', 'mapper: number_format on temperature');
    bad('000R5', 40, { pression: '750.0' }, 'pression = "750.0"', 'schema: pressure_hpa minimum 850');
  } else {
    bad('07015', 10, { nebulosite: '9' }, 'nebulosite = "9" (sky obscured)', 'schema: cloud_cover_okta maximum 8');
    bad('STATIC0010', 20, { dh_utc: '' }, 'dh_utc = ""', 'mapper: time_format on dh_utc');
    bad('07149', 33, { temperature: '-72.5' }, 'temperature = "-72.5"', 'schema: temperature_c minimum -60');
  }
  hourly._params = PARAMS;
  return {
    status: 'OK',
    errors: [],
    message: 'Données issues du réseau StatIC et des stations SYNOP (échantillon synthétique pour proofline)',
    request_state: 200,
    stations: IC_STATIONS.map(({ baseC: _b, ...s }) => ({ ...s, license: LICENSE })),
    hourly,
  };
}

function writeInfoclimat(): void {
  const parts: Array<[string, string[], number]> = [
    ['infoclimat/infoclimat_2024-10-25_2024-10-26.json', ['2024-10-25', '2024-10-26'], 1025],
    ['infoclimat/infoclimat_2024-10-27_2024-10-28.json', ['2024-10-27', '2024-10-28'], 1027],
  ];
  for (const [file, days, seed] of parts) {
    const path = join(DATA, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(icPayload(days, seed, file))}\n`);
  }
}

// ---------------------------------------------------------------- files source

function writeFiles(): void {
  const rnd = prng(7);
  const obs = Array.from({ length: 24 }, (_, i) => ({
    station: i % 2 ? 'ILAMAD25' : 'IICHTE19',
    observed_at: `2024-10-27T${String(6 + Math.floor(i / 2)).padStart(2, '0')}:00:00Z`,
    observer: i % 3 ? 'ops' : 'field-team',
    temperature_c: Number((9 + rnd() * 6).toFixed(1)),
    note: i % 5 ? null : 'manual reading',
  }));
  const jsonl = obs.map((o) => JSON.stringify(o));
  jsonl.splice(7, 0, '{"station": "ILAMAD25", "observed_at": "2024-10-27T09:30:00Z", "temperature_c": 11.');
  badRows.push({ file: 'files/jsonl/manual-observations.jsonl', row: 8, what: 'a line cut in the middle of a number', reason: 'source: parse (not valid JSON)' });
  jsonl.splice(15, 0, '');
  writeOut('files/jsonl/manual-observations.jsonl', `${jsonl.join('\n')}\n`);

  const csv = ['station,observed_at,observer,temperature_c,note', ...obs.map((o) => [o.station, o.observed_at, o.observer, o.temperature_c, o.note === null ? '' : `"${o.note}"`].join(','))];
  csv.splice(11, 0, 'IICHTE19,2024-10-27T11:30:00Z,ops');
  badRows.push({ file: 'files/csv/manual-observations.csv', row: 12, what: 'a truncated row (3 of 5 fields)', reason: 'source: parse (wrong number of fields)' });
  writeOut('files/csv/manual-observations.csv', `${csv.join('\r\n')}\r\n`);

  // As Airbyte's file/S3 destinations write raw records: v2 names, and one older v1 line.
  const raw = obs.slice(0, 10).map((o, i) =>
    JSON.stringify(
      i === 9
        ? { _airbyte_ab_id: `0b6c5a2e-0000-4000-8000-00000000000${i}`, _airbyte_emitted_at: 1730016000000 + i * 1000, _airbyte_data: JSON.stringify(o) }
        : { _airbyte_raw_id: `8f1d7f0c-0000-4000-8000-00000000000${i}`, _airbyte_extracted_at: `2024-10-27T08:00:0${i}.000Z`, _airbyte_meta: { changes: [] }, _airbyte_data: o },
    ),
  );
  raw.splice(4, 0, JSON.stringify({ _airbyte_raw_id: '8f1d7f0c-0000-4000-8000-0000000000ff', _airbyte_extracted_at: '2024-10-27T08:00:04.500Z', _airbyte_data: '{"station": "ILAMAD25", ' }));
  badRows.push({ file: 'files/airbyte/manual_observations_raw.jsonl', row: 5, what: '_airbyte_data is a JSON string cut short', reason: 'source: parse (_airbyte_data is not JSON)' });
  writeOut('files/airbyte/manual_observations_raw.jsonl', `${raw.join('\n')}\n`);
}

function writeOut(rel: string, text: string): void {
  const path = join(DATA, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

// ---------------------------------------------------------------- README

function writeReadme(): void {
  const table = badRows.map((b) => `| \`${b.file}\` | ${b.row} | ${b.what} | ${b.reason} |`).join('\n');
  writeOut(
    'README.md',
    `# Weather sample data

Generated by \`npx tsx examples/weather/make-samples.ts\` (deterministic; do not edit by hand).
Synthetic but realistic values; station names and coordinates as in DESIGN.md.

| Folder | What |
|---|---|
| \`wunderground/\` | Weather Underground daily exports (.xlsx, one sheet): ILAMAD25 (La Madeleine, FR, Europe/Paris) every 5 min on 2024-10-25…28 and on 2024-03-31 (spring DST); IICHTE19 (WeerstationBS, Ichtegem, BE, Europe/Brussels) every 10 min on 2024-10-26…28, with the date also written in a title row above the header. 2024-10-27 is the autumn DST change: the 2:xx AM rows appear twice. Noise: NBSP before units, º and ˚ degree signs, empty Gust cells, "Calm" wind. |
| \`infoclimat/\` | InfoClimat open-data payloads, hourly, 4 stations (07015 Lille-Lesquin, 07149 Orly, 000R5, STATIC0010), 2 days per file, values as strings, "" and null, with the \`_params\` key. |
| \`files/\` | The same manual observations as JSONL, CSV and Airbyte raw JSONL (\`_airbyte_data\`, v2 and v1 field names) for the \`files\` source. |

## Deliberately bad (and deliberately tricky) rows

Row numbers: the sheet row for .xlsx (the header is row 1, or row 2 under a title row), the
line for JSONL/CSV, and for InfoClimat the 1-based position among the payload's hourly rows
(the \`_ab_source_file_row\` of the record) with its JSON path.
"mapper" rejections happen while mapping (the value cannot be parsed), "schema" ones when
the mapped document fails the target schema, "source" ones when the input is not even a row.

| File | Row | What | Expected |
|---|---|---|---|
${table}
`,
  );
}

rmSync(DATA, { recursive: true, force: true });
await writeWunderground();
writeInfoclimat();
writeFiles();
writeReadme();
process.stdout.write(`wrote sample data to ${DATA} (${badRows.length} notable rows)\n`);
