// Value formatters for the dashboard's grids: Dutch (or English) dates and numbers.
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
var NAVO_MONTHS = {
  nl: ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
       "september", "oktober", "november", "december"],
  en: ["January", "February", "March", "April", "May", "June", "July", "August",
       "September", "October", "November", "December"],
};

dagfuncs.navoDate = function (value, lang) {
  if (!value) return "";
  var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value));
  if (!m) return String(value);
  var months = NAVO_MONTHS[lang === "en" ? "en" : "nl"];
  return parseInt(m[3], 10) + " " + months[parseInt(m[2], 10) - 1] + " " + m[1];
};

dagfuncs.navoNumber = function (value, lang) {
  if (value === null || value === undefined || value === "") return "";
  var n = Number(value);
  if (!isFinite(n)) return String(value);
  return n.toLocaleString(lang === "en" ? "en-GB" : "nl-NL", { maximumFractionDigits: 2 });
};
