// Six scripted counter visits (3 life events × 北九州市 and 北見市), driven as a clerk drives
// the counter: pick the life event, ask the questions, type the people once, print. Shared by
// tests/visits.spec.mjs (every batch leaves nothing for the hand but what the templates mark
// as written by hand) and bench/bench.mjs ("a counter visit": staff actions and fields left for
// the hand per visit). The same visits as visit/tests/visits.rs, which checks them natively.
//
// A staff action is one thing a clerk does: a click, a tick, or typing one field (the whole
// field, however many keys). Questions the guide does not show are not answered and not counted.
import { expect } from '@playwright/test';

const CITY_ADDRESS = {
  kitakyushu: '福岡県北九州市小倉北区大手町1番1号',
  kitami: '北海道北見市北5条東2丁目15番地',
};

/** YYYY-MM-DD `days` before today (the counter evaluates on the PC's today). */
function daysAgo(days) {
  const d = new Date(Date.now() - days * 86_400_000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Counts a clerk's actions on `page`. */
export class Clerk {
  constructor(page) {
    this.page = page;
    this.actions = 0;
    // The guide's questions the clerk answered (one already answered from the card or the
    // typed 基本4情報 is not asked again, and not counted).
    this.questions = 0;
  }
  async click(locator) {
    await locator.click();
    this.actions++;
  }
  async check(locator) {
    await locator.check();
    this.actions++;
  }
  async fill(locator, value) {
    await locator.fill(value);
    this.actions++;
  }
  /** Answers a question if the guide shows it now (a number or date typed, a choice
   *  ticked); says whether it did. */
  async answer(question, value) {
    const group = this.page.getByRole('group', { name: question, exact: true });
    if (Array.isArray(value)) {
      // A multiple choice: each option listed is one tick.
      if ((await group.count()) === 0) return false;
      let all = true;
      for (const o of value) all = (await group.getByRole('checkbox', { name: o, exact: true }).isChecked()) && all;
      if (all) return true;
      for (const o of value) {
        const box = group.getByRole('checkbox', { name: o, exact: true });
        if (!(await box.isChecked())) await this.check(box);
      }
    } else if (/^[\d-]+$/.test(value)) {
      const input = this.page.getByLabel(question, { exact: true });
      if ((await input.count()) === 0) return false;
      if ((await input.inputValue()) === value) return true;
      await this.fill(input, value);
    } else {
      if ((await group.count()) === 0) return false;
      const radio = group.getByRole('radio', { name: value, exact: true });
      if (await radio.isChecked()) return true;
      await this.check(radio);
    }
    this.questions++;
    return true;
  }
  field(role, key) {
    return this.page.locator(`#${role}-${key.replace('.', '-')}`);
  }
  async type(role, key, value) {
    await this.fill(this.field(role, key), value);
  }
  async birth(role, value) {
    await this.fill(this.page.locator(`#${role}-birth`), value);
  }
  async sex(role, label) {
    await this.check(this.page.locator(`input[name="${role}-sex"]`).locator('xpath=..').filter({ hasText: label }).locator('input'));
  }
  async who(role, label) {
    await this.check(this.page.locator(`fieldset[data-role="${role}"] .who label`).filter({ hasText: label }).locator('input'));
  }
}

export const VISITS = [];
for (const city of ['kitakyushu', 'kitami']) {
  VISITS.push({
    id: `hikkoshi-${city}`,
    name: '転入して国保に入る（一人で）',
    city,
    event: /引越し/,
    answers: [
      ['引越しの日はいつですか（新しい住所に住み始めた日。国外からの方は帰国した日、転出の方は引っ越す予定の日）', daysAgo(4)],
      ['どのような引越しですか', '市外から転入'],
      ['前の市区町村で、マイナンバーカードを使って転出届をしましたか（紙の転出証明書を受け取っていない）', 'いいえ'],
      ['引っ越してきた方の中に、勤務先の健康保険（家族の扶養を含む）にも後期高齢者医療にも入らない方はいますか（生活保護を受けている方を除きます）', 'はい'],
      ['20〜59歳で、自営業・学生・無職などのため国民年金の保険料を自分で納めている方（第1号被保険者）はいますか', 'はい'],
      ['一緒に引っ越す方のうち、いちばん年上の方は何歳ですか', '36'],
      ['一緒に引っ越す方の中に、18歳以下のお子さんはいますか', 'いいえ'],
      ['身体障害者手帳を持っている方はいますか', 'いいえ'],
      ['重度障害者医療の医療証（北見市では重度心身障がい者医療費受給者証）を持っている方はいますか（転入の方は、前の市区町村で持っていた方）', 'いいえ'],
      ['犬を飼っていますか', 'いいえ'],
    ],
    applicant: { name: '佐藤 健', kana: 'さとう けん', address: '東京都千代田区霞が関1丁目2番2号', birth: '1990-06-15', sex: '男', phone: '090-1234-5678' },
    async people(c) {
      await c.fill(c.page.locator('#new-address'), CITY_ADDRESS[city]);
      await c.who('householder', '申請者ご本人');
      await c.type('subject', 'domicile', '東京都千代田区千代田1番');
      await c.type('subject', 'family_head', '佐藤 健');
    },
    expect: ['佐藤 健', CITY_ADDRESS[city], '東京都千代田区霞が関1丁目2番2号'],
  });
  VISITS.push({
    id: `shintai-techo-${city}`,
    name: '手帳1級をご本人が受け取る（70歳）',
    city,
    event: /身体障害者手帳/,
    answers: [
      ['身体障害者手帳の手続きはどこまで進んでいますか', '手帳を受け取った'],
      ['手帳を受け取った日（まだ届いていない方は申請した日）はいつですか', daysAgo(10)],
      ['ご本人の生年月日はいつですか', '1956-04-10'],
      ['手帳の等級（総合等級）は何級ですか', '1'],
      ['手帳に書かれている障害をすべて選んでください', ['心臓機能障害']],
      ['ご本人の健康保険はどれですか', '国民健康保険'],
      ['ご本人はいまどこで暮らしていますか', '自宅（入院が3か月以内の場合を含む）'],
      ['ご本人の前年の所得（控除を引いた額）はいくらですか', '1200000'],
      ['ご本人の扶養親族は何人ですか', '1'],
      ['ご本人の生計を主に支えているのはどなたですか', 'ご本人'],
      ['世帯の全員が市民税（住民税）非課税ですか', 'いいえ'],
      ['ご本人が世帯主で、NHKの受信契約もご本人の名義ですか', 'はい'],
      ['補装具（車椅子・補聴器・義肢・装具・つえなど）を作ったり、修理したりする予定はありますか', 'はい'],
      ['ご本人と配偶者のうち、市民税所得割額の多いほうの方の額はいくらですか', '50000'],
      ['障害を軽くするための手術や治療（人工透析、ペースメーカー、人工関節、白内障の手術など）を受けていますか、または受ける予定ですか', 'いいえ'],
      ['ご本人の通院や通学・通勤などに車を使いますか。使う場合、その車は軽自動車ですか', '車は使わない'],
    ],
    // The birth date typed with the 基本4情報 answers the guide's question: not asked again.
    applicant: { name: '田中 一郎', kana: 'たなか いちろう', address: CITY_ADDRESS[city], birth: '1956-04-10', sex: '男', phone: '090-1234-5678' },
    async people(c) {
      await c.type('subject', 'techo_number', '第012345号');
    },
    expect: ['田中 一郎', CITY_ADDRESS[city], '第012345号', '心臓機能障害'],
  });
  VISITS.push({
    id: `okuyami-${city}`,
    name: '夫を亡くした妻が葬祭費を申請する',
    city,
    event: /亡くなった/,
    answers: [
      ['亡くなった日はいつですか', daysAgo(8)],
      ['死亡届はもう出しましたか（葬儀社が出した場合を含みます）', 'はい'],
      ['亡くなった方は何歳でしたか', '74'],
      ['亡くなった方の健康保険はどれでしたか', '国民健康保険'],
      ['勤務先の健康保険に本人（被保険者）として入っていて、やめてから3か月たたないうちに亡くなりましたか', 'いいえ'],
      ['葬儀（葬祭）を行った日はいつですか（まだの場合は空欄）', daysAgo(5)],
      ['亡くなった方は世帯主でしたか', 'はい'],
      ['同じ世帯に残る方のうち、15歳以上の方は何人ですか', '1'],
      ['亡くなった方は年金を受け取っていましたか', 'はい'],
      ['受け取っていた年金はどれですか', '厚生年金・共済年金（国民年金と一緒に受け取っていた場合を含みます）'],
      ['亡くなった方と生計を同じくしていたご家族はいますか', 'はい'],
      ['亡くなった方は、国民年金の第1号被保険者（自営業・無職などで、自分で保険料を納める方）だった期間がありますか', 'いいえ'],
      ['亡くなった方に、18歳になった年度の末まで（障害等級1・2級なら20歳未満）の未婚の子はいますか', 'いいえ'],
      ['亡くなった方は身体障害者手帳を持っていましたか', 'いいえ'],
      ['亡くなった方は重度障害者医療証（北見市では重度心身障がい者医療費受給者証）を持っていましたか', 'いいえ'],
      ['亡くなった方は児童手当を受け取っていましたか', 'いいえ'],
      ['亡くなった方は、児童手当や子ども医療証の対象のお子さんでしたか', 'いいえ'],
      ['配偶者が亡くなり、お子さんを一人で育てることになりましたか', 'いいえ'],
      ['亡くなった方は土地や家屋を持っていましたか', 'いいえ'],
      ['亡くなった方が市営住宅の名義人で、同居していたご家族が住み続けますか', 'いいえ'],
      ['市営霊園への納骨や改葬（お墓の引越し・墓じまい）を予定していますか', 'いいえ'],
    ],
    applicant: { name: '鈴木 和子', kana: 'すずき かずこ', address: CITY_ADDRESS[city], birth: '1955-09-01', sex: '女', phone: '090-1234-5678' },
    async people(c) {
      await c.fill(c.page.getByLabel('対象の方との続柄（妻・長男など）'), '妻');
      await c.type('subject', 'name', '鈴木 茂');
      await c.type('subject', 'kana', 'すずき しげる');
      await c.birth('subject', '1952-03-03');
      await c.sex('subject', '男');
      await c.type('subject', 'insured_number', '12-3456');
      await c.type('subject', 'care_number', '0012345678');
      await c.who('householder', '対象の方');
      await c.who('payee', '申請者ご本人');
      await c.type('payee', 'account.bank', '北九州銀行');
      await c.type('payee', 'account.branch', '本店営業部');
      await c.type('payee', 'account.kind', '普通');
      await c.type('payee', 'account.number', '1234567');
      await c.type('payee', 'account.holder', 'スズキ カズコ');
    },
    expect: ['鈴木 和子', '鈴木 茂', '北九州銀行', '1234567'],
  });
}

/**
 * Runs `visit` at the counter of the logged-in `page` (already on /counter?city=…) and prints
 * its batch. Returns the staff actions, the fields the batch still left for the hand (Mado's
 * own count, before printing), those written by hand on purpose, the forms and the PDF's bytes.
 */
export async function runVisit(page, visit) {
  const c = new Clerk(page);
  await c.click(page.getByRole('button', { name: visit.event }));
  // The card's 基本4情報 first (typed here, as from a driver's licence): a guide question they
  // answer (the 手帳 holder's birth date) is not asked again.
  const a = visit.applicant;
  await c.type('applicant', 'name', a.name);
  await c.type('applicant', 'kana', a.kana);
  await c.type('applicant', 'address', a.address);
  if (a.birth) await c.birth('applicant', a.birth);
  await c.sex('applicant', a.sex);
  // The guide shows only the questions that can still change something (issue 20): answer
  // what it shows, pass after pass, until nothing of the script is left to answer.
  // First what decides the list, then what only the forms print (listed after, under its own
  // heading): the number of questions asked until no procedure waits for an answer is noted.
  const done = new Set();
  const waiting = page.locator('.results section.needs-answer');
  let toComplete = null;
  for (const formsPart of [false, true]) {
    for (let more = true; more; ) {
      more = false;
      for (const [q, v] of visit.answers) {
        if (done.has(q)) continue;
        const inForms = (await page.locator('.for-forms-part').getByRole('group', { name: q, exact: true }).count()) > 0
          || (await page.locator('.for-forms-part').getByLabel(q, { exact: true }).count()) > 0;
        if (inForms !== formsPart) continue;
        if (await c.answer(q, v)) {
          done.add(q);
          more = true;
          if (toComplete === null && (await waiting.count()) === 0) toComplete = c.questions;
        }
      }
    }
  }
  await c.type('applicant', 'phone', a.phone);
  await visit.people(c);
  const blanks = page.getByTestId('blanks');
  const missing = Number(await blanks.getAttribute('data-missing'));
  const missingList = await blanks.getByTestId('blank-list').locator('li').allTextContents();
  const forms = await page.locator('label.form-choice:has(input:checked) strong').allTextContents();
  await c.click(page.getByRole('button', { name: /ご案内と申請書をまとめて印刷/ }));
  const link = page.getByTestId('batch-pdf');
  await expect(link).toBeVisible({ timeout: 30_000 });
  const b64 = await page.evaluate(async (u) => {
    const buf = new Uint8Array(await (await fetch(u)).arrayBuffer());
    let s = '';
    for (const x of buf) s += String.fromCharCode(x);
    return btoa(s);
  }, await link.getAttribute('href'));
  return { actions: c.actions, questions: c.questions, toComplete, missing, missingList, forms, pdf: Buffer.from(b64, 'base64') };
}
