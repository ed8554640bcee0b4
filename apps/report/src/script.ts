/**
 * The page's only script: sorting, filtering and highlighting. It reads the data already in
 * the DOM (no embedded data, no network), and the page is complete without it.
 */
export const REPORT_SCRIPT = `(() => {
  'use strict';
  for (const table of document.querySelectorAll('table.sortable')) {
    const head = table.tHead.rows[0].cells;
    Array.from(head).forEach((th, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = th.textContent;
      th.textContent = '';
      th.append(b);
      b.addEventListener('click', () => sortBy(table, th, i));
    });
  }
  function sortBy(table, th, i) {
    const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
    for (const other of table.tHead.rows[0].cells) other.removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
    const numeric = th.classList.contains('num');
    const key = (tr) => numeric ? Number(tr.cells[i].dataset.v) : tr.cells[i].textContent;
    const rows = Array.from(table.tBodies[0].rows);
    rows.sort((a, b) => dir * (numeric ? key(a) - key(b) : key(a).localeCompare(key(b), 'en', {numeric: true})));
    table.tBodies[0].append(...rows);
  }
  for (const input of document.querySelectorAll('input.filter')) {
    const table = document.getElementById(input.dataset.table);
    if (!table) continue;
    input.hidden = false;
    const note = document.querySelector('p.filter-note[data-for="' + table.id + '"]');
    const cols = input.dataset.col === undefined ? null : input.dataset.col.split(' ').map(Number);
    const kept = Number(input.dataset.kept);
    const total = Number(input.dataset.total);
    const int = (n) => n.toLocaleString('en-US');
    // a word a shell reads as one argument, quoted only when it must be
    const arg = (q) => /^[A-Za-z0-9_.:\/@%+=,-]+$/.test(q) ? q : "'" + q.replace(/'/g, "'\\\\''") + "'";
    input.addEventListener('input', () => {
      const raw = input.value.trim();
      const q = raw.toLowerCase();
      let shown = 0;
      for (const tr of table.tBodies[0].rows) {
        const text = cols ? cols.map((c) => tr.cells[c] ? tr.cells[c].textContent : '').join(' ') : tr.textContent;
        tr.hidden = q !== '' && !text.toLowerCase().includes(q);
        if (!tr.hidden) shown++;
      }
      if (!note) return;
      note.hidden = q === '';
      if (q === '') return note.textContent = '';
      if (kept < total) note.textContent = int(shown) + ' of the ' + int(kept) + ' ' + input.dataset.kind + ' (of ' + int(total) + ') match' + (input.dataset.cmd ? '; \`' + input.dataset.cmd + ' ' + arg(raw) + '\` lists all' : '');
      else note.textContent = shown ? int(shown) + ' of ' + int(total) + ' match' : 'No row of ' + int(total) + ' matches';
    });
  }
  const matrix = document.querySelector('svg.fm-matrix');
  if (matrix) {
    const clear = () => { for (const l of matrix.querySelectorAll('.hl')) l.classList.remove('hl'); };
    matrix.addEventListener('mouseover', (ev) => {
      clear();
      const cell = ev.target.closest('.cell');
      if (!cell) return;
      for (const l of matrix.querySelectorAll('.row-label[data-r="' + Number(cell.dataset.r) + '"], .col-label[data-c="' + Number(cell.dataset.c) + '"]')) l.classList.add('hl');
    });
    matrix.addEventListener('mouseleave', clear);
  }
  const chord = document.querySelector('svg.fm-chord');
  if (chord) {
    chord.addEventListener('mouseover', (ev) => {
      const g = ev.target.closest('.group');
      chord.classList.toggle('focus', Boolean(g));
      for (const r of chord.querySelectorAll('.ribbon')) r.classList.toggle('on', Boolean(g) && (r.dataset.s === g.dataset.g || r.dataset.t === g.dataset.g));
    });
    chord.addEventListener('mouseleave', () => chord.classList.remove('focus'));
  }
})();
`
