// Search and filters, in the page itself (no outside requests). A box shows when one of the
// cases that get its reply matches every filter and the box's text contains the search words;
// within a box, the cases that do not match are hidden.
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll('section.box'));
  var texts = boxes.map(function (b) { return b.textContent.toLowerCase(); });
  var search = document.getElementById('q');
  var selects = Array.prototype.slice.call(document.querySelectorAll('select[data-facet]'));
  var count = document.getElementById('count');
  // On a phone the open panel would cover half the screen while it stays on top: start closed.
  if (window.innerWidth < 640) document.querySelector('details.filters').open = false;
  function matches(li, wanted) {
    for (var i = 0; i < wanted.length; i++) {
      var have = li.getAttribute('data-' + wanted[i][0]) || '';
      var want = wanted[i][1];
      // "question." or "answer.danger-" pick a whole family of kinds.
      var prefix = /[.\-]$/.test(want);
      if (prefix ? have.indexOf(want) !== 0 : have !== want) return false;
    }
    return true;
  }
  function apply() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = selects.filter(function (s) { return s.value; }).map(function (s) { return [s.getAttribute('data-facet'), s.value]; });
    var shown = 0, cases = 0;
    boxes.forEach(function (box, n) {
      var ok = words.every(function (w) { return texts[n].indexOf(w) >= 0; });
      var any = 0;
      box.querySelectorAll('li.case').forEach(function (li) {
        var m = ok && matches(li, wanted);
        li.classList.toggle('off', !m && wanted.length > 0);
        if (m) any++;
      });
      box.hidden = !any;
      if (any) { shown++; cases += any; }
    });
    document.querySelectorAll('section.topic').forEach(function (s) {
      s.hidden = !s.querySelector('section.box:not([hidden])');
    });
    count.textContent = 'Showing ' + shown + ' of ' + boxes.length + ' distinct replies (' + cases + ' cases).';
  }
  var timer;
  search.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, 200); });
  selects.forEach(function (s) { s.addEventListener('change', apply); });
  document.getElementById('reset').addEventListener('click', function () {
    search.value = ''; selects.forEach(function (s) { s.value = ''; }); apply();
  });
  apply();
})();
