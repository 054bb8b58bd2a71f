// Numbers as text exactly as Python writes them: f"{x:.2g}", f"{x:.1f}", f"{x:g}".
//
// JavaScript's toExponential and toFixed round a tie (a value exactly halfway, such as 0.125 to
// two digits) away from zero, Python to the even digit; everything else is the same correctly
// rounded result. A tie is recognised from the exact decimal expansion (toPrecision(100)).
globalThis.rnnvizSite = globalThis.rnnvizSite || {};
((site) => {
  // the exact digits of |x| after the first `kept` significant ones: is it a tie?
  function isTie(x, kept) {
    const digits = Math.abs(x)
      .toPrecision(100)
      .replace(/e.*$/, "")
      .replace(".", "")
      .replace(/^0+/, "");
    return digits[kept] === "5" && /^0*$/.test(digits.slice(kept + 1));
  }

  // [sign, digits (p of them), exponent of the first digit], rounded half to even
  function scientific(x, p) {
    const sign = x < 0 || Object.is(x, -0) ? "-" : "";
    const a = Math.abs(x);
    const [mantissa, exponent] = a.toExponential(p - 1).split("e");
    let digits = mantissa.replace(".", "");
    let e = Number(exponent);
    if (isTie(a, p)) {
      // JavaScript rounded up; Python keeps the truncated digits when they end in an even digit
      const exact = a.toExponential(Math.min(p + 20, 100));
      const truncated = exact.replace(".", "").slice(0, p);
      if (Number(truncated[p - 1]) % 2 === 0) {
        digits = truncated;
        e = Number(exact.split("e")[1]);
      }
    }
    return [sign, digits, e];
  }

  function special(x) {
    if (Number.isNaN(x)) return "nan";
    if (x === Number.POSITIVE_INFINITY) return "inf";
    if (x === Number.NEGATIVE_INFINITY) return "-inf";
    return null;
  }

  // f"{x:.{p}g}"
  function formatG(x, p = 6) {
    const s = special(x);
    if (s !== null) return s;
    if (p === 0) p = 1;
    if (x === 0) return Object.is(x, -0) ? "-0" : "0";
    const [sign, digits, e] = scientific(x, p);
    const trim = (t) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
    if (e >= -4 && e < p) {
      let text;
      if (e >= 0) {
        const whole = digits.slice(0, e + 1).padEnd(e + 1, "0");
        text = `${whole}.${digits.slice(e + 1)}`;
      } else text = `0.${"0".repeat(-e - 1)}${digits}`;
      return sign + trim(text);
    }
    const mantissa = trim(`${digits[0]}.${digits.slice(1)}`);
    const exponent = `${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
    return `${sign}${mantissa}e${exponent}`;
  }

  // f"{x:.{p}f}"
  function formatF(x, p) {
    const s = special(x);
    if (s !== null) return s;
    const a = Math.abs(x);
    const sign = x < 0 || Object.is(x, -0) ? "-" : "";
    if (a >= 1e21) return sign + BigInt(Math.round(a)).toString() + (p ? `.${"0".repeat(p)}` : "");
    let text = a.toFixed(p);
    const exact = a.toFixed(100);
    const point = exact.indexOf(".");
    const rest = exact.slice(point + 1 + p);
    if (rest[0] === "5" && /^0*$/.test(rest.slice(1))) {
      const truncated = exact.slice(0, p ? point + 1 + p : point);
      const last = truncated.replace(".", "").slice(-1);
      if (Number(last) % 2 === 0) text = truncated;
    }
    return sign + text;
  }

  // rnnviz's fmt: 3.1e-05, 0.9, inf, NaN
  function fmt(value, digits = 2) {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return formatG(value, digits);
  }

  const SUPERSCRIPT = {
    "-": "⁻",
    0: "⁰",
    1: "¹",
    2: "²",
    3: "³",
    4: "⁴",
    5: "⁵",
    6: "⁶",
    7: "⁷",
    8: "⁸",
    9: "⁹",
  };
  function powerOfTen(k) {
    if (k === 0) return "1";
    if (k === 1) return "10";
    return `10${[...String(k)].map((c) => SUPERSCRIPT[c]).join("")}`;
  }

  const atStep = (quantity, k) => quantity.replace("<k>", `<${k}>`);

  // Python's html.escape
  const escapeHtml = (text) =>
    String(text)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#x27;");

  // Python's float %: the result takes the sign of the divisor
  function pyMod(x, y) {
    let m = x % y;
    if (m !== 0) {
      if (y < 0 !== m < 0) m += y;
    } else m = y < 0 ? -0 : 0;
    return m;
  }

  Object.assign(site, { formatG, formatF, fmt, powerOfTen, atStep, escapeHtml, pyMod });
})(globalThis.rnnvizSite);
