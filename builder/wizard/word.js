/* Word files made in the browser, nothing uploaded: the filled-in documents page's "Download Word files".
 * The command line makes a template's Word file from its HTML with pandoc and builder/render/docx.py; this
 * writes the same structure from the same HTML (headings, paragraphs, lists, tables with header rows, content
 * controls for every blank and tick box, header and footer, A4 page, title and language). The house style, the
 * list definitions and docx.py's tables of styles and widths come from the site build (window.READINESS_WORD_KIT,
 * builder/render/word_kit.py), so nothing here is a second copy of them. Loaded only when someone asks for Word
 * files, after fflate (the zip) and the kit. Steps in docx.py's order: 1. read the document's details;
 * 2. blocks and inlines, with fields; 3. tables; 4. the package. A classic script. */
(function (root) {
  "use strict";
  var K = null;
  var BLOCK = /^(H[1-6]|P|UL|OL|DL|TABLE|DIV|SECTION|HEADER|FOOTER|MAIN|ARTICLE|ASIDE|NAV|BLOCKQUOTE)$/;
  var WRAPPER = /^(DIV|SECTION|HEADER|FOOTER|MAIN|ARTICLE|ASIDE|NAV|BLOCKQUOTE)$/;
  var MM = 56.6929;

  function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"); }
  function t(text) { return '<w:t xml:space="preserve">' + esc(text) + "</w:t>"; }
  function run(text) { return "<w:r>" + t(text) + "</w:r>"; }
  function classes(el) { return (el.getAttribute("class") || "").split(/\s+/).filter(Boolean); }
  function styleId(name) { return name.replace(/\s+/g, ""); }
  /** docx._text: an element's text with its spaces collapsed. */
  function text(el) { return el.textContent.replace(/\s+/g, " ").trim(); }
  /** docx._fill_prompt: the prompt of a fill-in blank inside el, without its brackets; null if el is filled in. */
  function fillPrompt(el) {
    var f = el.querySelector(".fill");
    return f ? f.textContent.trim().replace(/^\[+|\]+$/g, "").trim() : null;
  }

  // ------------------------------------------------------------ 1. the document's details

  function details(doc) {
    var first = function (cls) { return doc.querySelector("." + cls); };
    var title = first("doc-title"), clinic = first("doc-clinic"), version = first("doc-version"), review = first("doc-review");
    return {
      title: title ? text(title) : (doc.title || "Document"),
      clinic: !clinic || fillPrompt(clinic) !== null ? null : text(clinic),
      clinicPrompt: (clinic && fillPrompt(clinic)) || "Clinic name",
      version: !version || fillPrompt(version) !== null ? null : text(version),
      review: !review || fillPrompt(review) !== null ? null : text(review),
      reviewPrompt: (review && fillPrompt(review)) || "Review date",
      landscape: doc.body.classList.contains("landscape"),
      language: doc.documentElement.getAttribute("lang") || "en-GB"
    };
  }

  // ------------------------------------------------------------ 2. fields, inlines and blocks

  function Writer(meta) {
    this.meta = meta;
    this.nextId = 1;
    this.nums = [];
    this.first = true; // the next body paragraph is a first paragraph (after a heading, as pandoc styles it)
    this.pageBreak = false;
  }

  Writer.prototype.id = function () { this.nextId += 1; return this.nextId; };

  /** docx.Fields.text: a plain-text or date content control showing the prompt until filled in. */
  Writer.prototype.field = function (prompt, multiline, kind) {
    kind = kind || "text";
    if (kind === "text" && new RegExp(K.date_label, "i").test(prompt)) kind = "date";
    var choice = kind === "date"
      ? '<w:date><w:dateFormat w:val="d MMMM yyyy"/><w:lid w:val="en-GB"/><w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>'
      : (multiline ? '<w:text w:multiLine="1"/>' : "<w:text/>");
    var binding = prompt === K.clinic_prompt && kind === "text" ? K.bind_clinic : "";
    return '<w:sdt><w:sdtPr><w:alias w:val="' + esc(prompt.slice(0, 60)) + '"/><w:tag w:val="' + kind + '"/><w:id w:val="' + this.id() + '"/>' +
      "<w:showingPlcHdr/>" + binding + choice + "</w:sdtPr><w:sdtContent><w:r>" + K.placeholder_rpr + t(K.placeholder.split("{prompt}").join(prompt)) + "</w:r></w:sdtContent></w:sdt>";
  };

  /** docx.Fields.checkbox: a Word 2010 check-box content control, unticked, named by its label. */
  Writer.prototype.checkbox = function (label) {
    var font = '<w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" w:hAnsi="MS Gothic" w:hint="eastAsia"/>';
    return "<w:sdt><w:sdtPr><w:rPr>" + font + '</w:rPr><w:alias w:val="' + esc(label.slice(0, 60) || "Tick box") + '"/>' +
      '<w:tag w:val="checkbox"/><w:id w:val="' + this.id() + '"/>' +
      '<w14:checkbox><w14:checked w14:val="0"/><w14:checkedState w14:val="2612" w14:font="MS Gothic"/>' +
      '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>' +
      "<w:sdtContent><w:r><w:rPr>" + font + "</w:rPr>" + t(K.box) + "</w:r></w:sdtContent></w:sdt>";
  };

  /** The runs of an inline node list: [{text, b, i} | {xml}]; spaces collapsed as an HTML reader does. */
  Writer.prototype.inlines = function (nodes, fmt, out) {
    var self = this;
    fmt = fmt || {};
    out = out || [];
    nodes.forEach(function (n) {
      if (n.nodeType === 3) {
        var pieces = n.data.replace(/[ \t\n\r\f]+/g, " ").split(K.box);
        pieces.forEach(function (piece, i) {
          if (i) out.push({ xml: self.checkbox("Tick box") });
          if (piece) out.push({ text: piece, b: fmt.b, i: fmt.i });
        });
        return;
      }
      if (n.nodeType !== 1) return;
      var cls = classes(n), tag = n.tagName;
      if (cls.indexOf("fill") >= 0) { out.push({ xml: self.field(n.textContent.trim().replace(/^\[+|\]+$/g, "").trim()) }); return; }
      if (cls.indexOf("field") >= 0) {
        out.push({ xml: self.field(n.getAttribute("data-prompt") || "Enter text", n.getAttribute("data-lines") === "many", n.getAttribute("data-kind") || "text") });
        return;
      }
      if (cls.indexOf("check") >= 0) {
        var label = n.textContent.split(K.box).join("").trim();
        Array.prototype.forEach.call(n.childNodes, function (sub) {
          if (sub.nodeType === 1 && classes(sub).indexOf("box") >= 0) out.push({ xml: self.checkbox(label) });
          else self.inlines([sub], fmt, out);
        });
        return;
      }
      if (tag === "BR") { out.push({ xml: "<w:r><w:br/></w:r>", br: true }); return; }
      var next = { b: fmt.b || tag === "STRONG" || tag === "B", i: fmt.i || tag === "EM" || tag === "I" };
      self.inlines(Array.prototype.slice.call(n.childNodes), next, out);
    });
    return out;
  };

  /** Runs as XML, the paragraph's leading and trailing spaces dropped; "" when nothing is left. */
  function runsXml(runs, bold) {
    var items = runs.slice();
    var blank = function (r) { return r.text !== undefined && /^ *$/.test(r.text); }; // a no-break space is content, as in pandoc
    while (items.length && blank(items[0])) items.shift();
    while (items.length && blank(items[items.length - 1])) items.pop();
    if (items.length && items[0].text !== undefined) items[0] = { text: items[0].text.replace(/^ +/, ""), b: items[0].b, i: items[0].i };
    var last = items.length - 1;
    if (last >= 0 && items[last].text !== undefined) items[last] = { text: items[last].text.replace(/ +$/, ""), b: items[last].b, i: items[last].i };
    return items.map(function (r) {
      if (r.xml !== undefined) return r.xml;
      var rpr = (r.b || bold ? "<w:b/><w:bCs/>" : "") + (r.i ? "<w:i/><w:iCs/>" : "");
      return "<w:r>" + (rpr ? "<w:rPr>" + rpr + "</w:rPr>" : "") + t(r.text) + "</w:r>";
    }).join("");
  }

  /** A paragraph; props: {style, num: [numId, level], bold}. Empty text gives no paragraph unless keep. */
  Writer.prototype.para = function (runs, props, keep) {
    var body = runsXml(runs, props.bold);
    if (!body && !keep) return "";
    var ppr = '<w:pStyle w:val="' + styleId(props.style) + '"/>';
    if (this.pageBreak) { ppr += "<w:pageBreakBefore/>"; this.pageBreak = false; }
    if (props.num) ppr += '<w:numPr><w:ilvl w:val="' + props.num[1] + '"/><w:numId w:val="' + props.num[0] + '"/></w:numPr>';
    // The PDF's 4 mm below a table, on the paragraph that follows it (a heading has its own space above).
    if (this.afterTable && !/^Heading/.test(props.style)) ppr += '<w:spacing w:before="200"/>';
    this.afterTable = false;
    return "<w:p><w:pPr>" + ppr + "</w:pPr>" + body + "</w:p>";
  };

  /** The body style of a paragraph: its div's house style, else pandoc's first or following paragraph. */
  Writer.prototype.bodyStyle = function (ctx) {
    if (ctx.style) return ctx.style;
    var s = this.first ? "First Paragraph" : "Body Text";
    this.first = false;
    return s;
  };

  /** Blocks of a node list: runs of inline content between blocks become one paragraph each (pandoc's Plain). */
  Writer.prototype.blocks = function (nodes, ctx) {
    var self = this, out = [], pending = [];
    var flush = function () {
      var runs = pending.length ? self.inlines(pending) : [];
      pending = [];
      if (runsXml(runs)) out.push(self.para(runs, { style: ctx.plain || self.bodyStyle(ctx), bold: ctx.bold }));
    };
    nodes.forEach(function (n) {
      if (n.nodeType === 1 && BLOCK.test(n.tagName)) { flush(); out.push(self.block(n, ctx)); }
      else if (n.nodeType === 3 || n.nodeType === 1) pending.push(n);
    });
    flush();
    return out.join("");
  };

  Writer.prototype.block = function (el, ctx) {
    var self = this, tag = el.tagName, cls = classes(el), kids = Array.prototype.slice.call(el.childNodes);
    var style = ctx.style;
    cls.forEach(function (c) { if (Object.prototype.hasOwnProperty.call(K.styles, c)) style = K.styles[c]; });
    if (cls.indexOf("word-page-break") >= 0) this.pageBreak = true;
    var inner = { style: style, plain: ctx.plain, bold: ctx.bold, depth: ctx.depth || 0 };
    var m = /^H([1-6])$/.exec(tag);
    if (m) {
      this.first = true;
      return this.para(this.inlines(kids), { style: "Heading " + m[1] });
    }
    if (tag === "P") return this.para(this.inlines(kids), { style: ctx.plain || this.bodyStyle({ style: style }), num: ctx.takeNum ? ctx.takeNum() : null, bold: ctx.bold });
    if (WRAPPER.test(tag)) {
      if (cls.indexOf("lines") >= 0) {
        var prompt = el.getAttribute("data-prompt") || "Write your answer here";
        return this.para([{ xml: this.field(prompt, true) }], { style: "Writing Space" });
      }
      return this.blocks(kids, inner);
    }
    if (tag === "UL" || tag === "OL") {
      var items = kids.filter(function (k) { return k.nodeType === 1 && k.tagName === "LI"; });
      if (cls.indexOf("checklist") >= 0) { // tick boxes have no bullets: one paragraph per box
        return items.map(function (li) { return self.blocks(Array.prototype.slice.call(li.childNodes), { style: style, plain: style, bold: ctx.bold }); }).join("");
      }
      var numId = 1000 + this.nums.length;
      this.nums.push(tag === "OL" ? "decimal" : "bullet");
      var level = ctx.depth || 0;
      return items.map(function (li) {
        var loose = Array.prototype.some.call(li.children, function (c) { return c.tagName === "P"; });
        var num = [numId, level], taken = false;
        var itemCtx = { style: style, plain: loose ? null : (style || "Compact"), bold: ctx.bold, depth: level + 1,
          takeNum: function () { if (taken) return null; taken = true; return num; } };
        // Inline content before any block takes the number; a paragraph first takes it through takeNum.
        var lead = [], rest = [], seenBlock = false;
        Array.prototype.forEach.call(li.childNodes, function (c) {
          if (c.nodeType === 1 && BLOCK.test(c.tagName)) seenBlock = true;
          (seenBlock ? rest : lead).push(c);
        });
        var xml = "";
        if (lead.some(function (c) { return c.nodeType === 1 || /[^ \t\n\r\f]/.test(c.data); })) {
          taken = true;
          xml += self.para(self.inlines(lead), { style: itemCtx.plain || self.bodyStyle(itemCtx), num: num, bold: ctx.bold }, true);
        }
        return xml + self.blocks(rest, itemCtx);
      }).join("");
    }
    if (tag === "DL") {
      if (cls.indexOf("doc-meta") >= 0 || cls.indexOf("details") >= 0) return this.table(dlTable(el, cls, this.meta), inner);
      // Any other definition list: a term paragraph, then its definitions (pandoc's Definition Term and Definition).
      return kids.filter(function (k) { return k.nodeType === 1; }).map(function (k) {
        if (k.tagName === "DT") return self.para(self.inlines(Array.prototype.slice.call(k.childNodes)), { style: "Definition Term" });
        return self.blocks(Array.prototype.slice.call(k.childNodes), { style: "Definition", plain: "Definition" });
      }).join("");
    }
    if (tag === "TABLE") return this.table(el, inner);
    return this.blocks(kids, inner);
  };

  /** docx._dl_to_table: a label/value list as a table of row headers, as many pairs to a row as the PDF shows. */
  function dlTable(dl, cls, meta) {
    var pairs = 1, kind = "details";
    if (cls.indexOf("doc-meta") >= 0) { kind = "doc-meta"; pairs = meta.landscape ? 3 : 2; }
    else if (cls.indexOf("inline-details") >= 0) { kind = "details-pairs"; pairs = meta.landscape ? 4 : 2; }
    else if (meta.landscape) { kind = "details-pairs"; pairs = 2; }
    var doc = dl.ownerDocument, table = doc.createElement("table"), tbody = doc.createElement("tbody"), list = [], term = null;
    table.setAttribute("class", "details-table " + kind);
    table.append(tbody);
    Array.prototype.forEach.call(dl.children, function (c) {
      if (c.tagName === "DT") term = c;
      else if (c.tagName === "DD" && term) { list.push([term, c]); term = null; }
    });
    for (var start = 0; start < list.length; start += pairs) {
      var tr = doc.createElement("tr"), row = list.slice(start, start + pairs);
      row.forEach(function (pair) {
        var th = doc.createElement("th");
        th.setAttribute("scope", "row");
        th.append.apply(th, Array.prototype.slice.call(pair[0].childNodes));
        var td = doc.createElement("td");
        td.append.apply(td, Array.prototype.slice.call(pair[1].childNodes));
        tr.append(th, td);
      });
      for (var i = row.length; i < pairs; i++) {
        var a = doc.createElement("td"), b = doc.createElement("td");
        a.textContent = b.textContent = "\u00a0";
        tr.append(a, b);
      }
      tbody.append(tr);
    }
    return table;
  }

  // ------------------------------------------------------------ 3. tables

  function rowHeight(cellCls, tableCls) {
    var found = null;
    Object.keys(K.row_height_by_cell_class).some(function (c) {
      if (cellCls.indexOf(c) >= 0 && (c !== "entry" || tableCls.indexOf("form") >= 0)) { found = K.row_height_by_cell_class[c]; return true; }
      return false;
    });
    if (found !== null) return found;
    K.row_height_by_table.some(function (x) { if (tableCls.indexOf(x[0]) >= 0) { found = x[1]; return true; } return false; });
    return found;
  }

  Writer.prototype.table = function (el, ctx) {
    var self = this, tcls = classes(el), rows = [];
    // Two tables in a row would run together in Word: an empty paragraph keeps them apart, as pandoc writes it.
    var lead = this.afterTable ? '<w:p><w:pPr><w:spacing w:before="200"/></w:pPr></w:p>' : "";
    this.afterTable = false;
    if (this.pageBreak) { // before a table: an empty paragraph, one point high, starts the page (docx._apply_page_breaks)
      lead += '<w:p><w:pPr><w:pageBreakBefore/><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>';
      this.pageBreak = false;
    }
    var sections = Array.prototype.filter.call(el.children, function (c) { return /^(THEAD|TBODY|TFOOT|TR)$/.test(c.tagName); });
    sections.forEach(function (s) {
      var list = s.tagName === "TR" ? [s] : Array.prototype.filter.call(s.children, function (c) { return c.tagName === "TR"; });
      list.forEach(function (tr) { rows.push({ head: s.tagName === "THEAD", tr: tr }); });
    });
    var heads = rows.filter(function (r) { return r.head; }).length;
    var ncols = Math.max.apply(null, [1].concat(rows.map(function (r) {
      return Array.prototype.reduce.call(r.tr.children, function (n, c) { return n + (+c.getAttribute("colspan") || 1); }, 0);
    })));
    // Column widths as print.css gives them (docx._table); the columns it leaves free share what is left.
    var widths = new Array(ncols).fill(null), byTable = null;
    tcls.some(function (c) { if (Object.prototype.hasOwnProperty.call(K.column_widths_by_table, c)) { byTable = K.column_widths_by_table[c]; return true; } return false; });
    if (tcls.indexOf("doc-meta") >= 0 || tcls.indexOf("details-pairs") >= 0) {
      byTable = widths.map(function (_, i) { return (2 / ncols) * (i % 2 === 0 ? K.label_share : 1 - K.label_share); });
    }
    if (byTable) byTable.slice(0, ncols).forEach(function (w, i) { widths[i] = w; });
    if (heads) {
      Array.prototype.slice.call(rows[heads - 1].tr.children, 0, ncols).forEach(function (cell, i) {
        classes(cell).some(function (c) {
          if (Object.prototype.hasOwnProperty.call(K.column_width_by_class, c)) { widths[i] = K.column_width_by_class[c]; return true; }
          return false;
        });
      });
    }
    var free = [], used = 0;
    widths.forEach(function (w, i) { if (w === null) free.push(i); else used += w; });
    free.forEach(function (i) { widths[i] = Math.max(Math.max(0, 1 - used) / free.length, 0.04); });
    var total = widths.reduce(function (a, b) { return a + b; }, 0);
    var width = K.width[this.meta.landscape ? "landscape" : "portrait"];
    var grid = widths.map(function (w) { return '<w:gridCol w:w="' + Math.round(w * width / total) + '"/>'; }).join("");
    var look = heads ? 'w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0" w:val="0020"'
      : 'w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0" w:val="0000"';
    var xml = rows.map(function (r) {
      var height = null;
      var cells = Array.prototype.filter.call(r.tr.children, function (c) { return c.tagName === "TH" || c.tagName === "TD"; }).map(function (cell) {
        var rowhead = !r.head && cell.tagName === "TH";
        if (!r.head && !rowhead) {
          var h = rowHeight(classes(cell), tcls);
          if (h) height = Math.max(height || 0, h);
        }
        var span = +cell.getAttribute("colspan") || 1;
        var tcPr = (span > 1 ? '<w:gridSpan w:val="' + span + '"/>' : "") + (rowhead ? '<w:shd w:val="clear" w:color="auto" w:fill="F5F7FA"/>' : "");
        var saved = self.first;
        var content = self.blocks(Array.prototype.slice.call(cell.childNodes), { plain: "Compact", bold: rowhead });
        self.first = saved;
        if (!content) content = '<w:p><w:pPr><w:pStyle w:val="Compact"/></w:pPr></w:p>';
        return "<w:tc><w:tcPr>" + tcPr + "</w:tcPr>" + content + "</w:tc>";
      }).join("");
      var trPr = "<w:cantSplit/>" + (height ? '<w:trHeight w:val="' + Math.round(height * MM) + '" w:hRule="atLeast"/>' : "") + (r.head ? "<w:tblHeader/>" : "");
      return "<w:tr><w:trPr>" + trPr + "</w:trPr>" + cells + "</w:tr>";
    }).join("");
    this.first = true;
    this.afterTable = true;
    return lead + '<w:tbl><w:tblPr><w:tblStyle w:val="' + (tcls.indexOf("grid") >= 0 ? "GridTable" : "Table") + '"/><w:tblW w:type="pct" w:w="5000"/>' +
      '<w:tblLayout w:type="fixed"/><w:tblLook ' + look + "/></w:tblPr><w:tblGrid>" + grid + "</w:tblGrid>" + xml + "</w:tbl>";
  };

  // ------------------------------------------------------------ 4. the package

  var XML = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n";
  var NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

  function pageField(instr, shown) {
    return '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> ' + instr + " </w:instrText></w:r>" +
      '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + run(shown) + '<w:r><w:fldChar w:fldCharType="end"/></w:r>';
  }

  function headerFooter(w, meta) {
    var tabs = '<w:tabs><w:tab w:val="right" w:pos="' + K.width[meta.landscape ? "landscape" : "portrait"] + '"/></w:tabs>';
    var clinic = meta.clinic ? run(meta.clinic) : w.field(meta.clinicPrompt);
    var header = XML + "<w:hdr " + NS + '><w:p><w:pPr><w:pStyle w:val="Header"/>' + tabs + "</w:pPr>" + clinic + "<w:r><w:tab/></w:r>" + run(meta.title) + "</w:p></w:hdr>";
    var review = meta.review ? run(meta.review) : w.field(meta.reviewPrompt, false, "text");
    var version = meta.version ? run(meta.version) : w.field("Version");
    var footer = XML + "<w:ftr " + NS + '><w:p><w:pPr><w:pStyle w:val="Footer"/>' + tabs + "</w:pPr>" + run("Version ") + version +
      run("  ·  Review date ") + review + "<w:r><w:tab/></w:r>" + run("Page ") + pageField("PAGE", "1") + run(" of ") + pageField("NUMPAGES", "1") + "</w:p></w:ftr>";
    return [header, footer];
  }

  function numbering(nums) {
    var levels = "";
    for (var l = 0; l < 9; l++) levels += '<w:lvlOverride w:ilvl="' + l + '"><w:startOverride w:val="1"/></w:lvlOverride>';
    var xml = nums.map(function (kind, i) {
      return '<w:num w:numId="' + (1000 + i) + '"><w:abstractNumId w:val="' + K[kind] + '"/>' + (kind === "decimal" ? levels : "") + "</w:num>";
    }).join("");
    return K.numbering.replace("</w:numbering>", xml + "</w:numbering>");
  }

  function properties(meta) {
    var core = XML + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" ' +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>' + esc(meta.title) + "</dc:title><dc:creator>Peer Support Readiness Toolkit</dc:creator>" +
      '<cp:keywords/><dcterms:created xsi:type="dcterms:W3CDTF">' + K.fixed_time + '</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">' + K.fixed_time +
      "</dcterms:modified><dc:language>" + esc(meta.language) + "</dc:language><dc:subject>" + esc(meta.clinic || "") + "</dc:subject>" +
      "<cp:lastModifiedBy></cp:lastModifiedBy><cp:revision>1</cp:revision></cp:coreProperties>";
    var app = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ' +
      'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>Peer Support Readiness Toolkit</Application>' +
      "<Company>" + esc(meta.clinic || "") + "</Company></Properties>";
    return { "docProps/core.xml": core, "docProps/app.xml": app };
  }

  /** The parts of the Word file for one rendered document's HTML: part name -> XML text. */
  function parts(html) {
    K = root.READINESS_WORD_KIT;
    var doc = new DOMParser().parseFromString(html, "text/html");
    var meta = details(doc);
    Array.prototype.forEach.call(doc.querySelectorAll("head, script, .pdf-only"), function (el) { el.remove(); });
    // Classes that start a new page in print.css (the first .q-domain excepted), as docx.prepare_html marks them.
    var domains = doc.querySelectorAll(".q-domain");
    K.page_break_before.forEach(function (c) {
      Array.prototype.forEach.call(doc.getElementsByClassName(c), function (el) {
        if (!(c === "q-domain" && el === domains[0])) el.classList.add("word-page-break");
      });
    });
    var w = new Writer(meta);
    var body = w.blocks(Array.prototype.slice.call(doc.body.childNodes), { style: null });
    var hf = headerFooter(w, meta);
    var document = XML + "<w:document " + NS + ' xmlns:w14="' + K.w14 + '" xmlns:mc="' + K.mc + '" mc:Ignorable="w14"><w:body>' + body +
      K.page[meta.landscape ? "landscape" : "portrait"].replace(/ xmlns:r="[^"]*"/, "") + "</w:body></w:document>";
    var out = Object.assign({}, K.parts, properties(meta));
    out["word/document.xml"] = document;
    out["word/numbering.xml"] = numbering(w.nums);
    out["word/header1.xml"] = hf[0];
    out["word/footer1.xml"] = hf[1];
    return out;
  }

  var MTIME = new Date(2026, 0, 1);

  /** One Word file (bytes) for one rendered document's HTML. */
  function docx(html) {
    var f = root.fflate, files = {}, p = parts(html);
    // [Content_Types].xml first, as Word writes it; the rest in a fixed order, so the same answers give the same bytes.
    Object.keys(p).sort(function (a, b) { return (a === "[Content_Types].xml" ? -1 : b === "[Content_Types].xml" ? 1 : a < b ? -1 : a > b ? 1 : 0); })
      .forEach(function (name) { files[name] = [f.strToU8(p[name]), { mtime: MTIME }]; });
    return f.zipSync(files, { level: 6 });
  }

  /** A zip of Word files: {name: html} -> bytes. */
  function zip(docs) {
    var f = root.fflate, files = {};
    Object.keys(docs).sort().forEach(function (name) { files[name] = [docx(docs[name]), { level: 0, mtime: MTIME }]; });
    return f.zipSync(files);
  }

  root.ReadinessWord = { parts: parts, docx: docx, zip: zip };
})(typeof window !== "undefined" ? window : globalThis);
