package privacy

import (
	"bytes"
	"strings"
)

// markdown writes the document as GitHub-flavoured Markdown, headed one
// level down (## title, ### sections) so that it pastes under the H1 of a
// site's privacy policy.
func markdown(d document) []byte {
	var b bytes.Buffer
	b.WriteString("## " + mdText(d.Title, false) + "\n")
	for _, p := range d.Intro {
		b.WriteString("\n" + mdInline(p, false) + "\n")
	}
	for _, s := range d.Sections {
		b.WriteString("\n### " + mdText(s.Title, false) + "\n")
		for _, bl := range s.Blocks {
			b.WriteString("\n")
			switch {
			case bl.Table != nil:
				mdTable(&b, bl.Table)
			case bl.Items != nil:
				for _, it := range bl.Items {
					b.WriteString("- " + mdInline(it, false) + "\n")
				}
			default:
				b.WriteString(mdInline(bl.Para, false) + "\n")
			}
		}
	}
	b.WriteString("\n" + "_" + strings.TrimSpace(mdInline(d.Footer, false)) + "_\n")
	return b.Bytes()
}

func mdTable(b *bytes.Buffer, t *table) {
	b.WriteString("|")
	for _, h := range t.Head {
		b.WriteString(" " + mdText(h, true) + " |")
	}
	b.WriteString("\n|")
	for range t.Head {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, row := range t.Rows {
		b.WriteString("|")
		for _, c := range row {
			b.WriteString(" " + mdInline(c, true) + " |")
		}
		b.WriteString("\n")
	}
}

func mdInline(p para, inTable bool) string {
	var b strings.Builder
	for _, in := range p {
		s := mdText(in.Text, inTable)
		if in.Code {
			s = mdCode(in.Text, inTable)
		}
		if in.Href != "" {
			s = "[" + s + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(in.Href) + ")"
		}
		b.WriteString(s)
	}
	return b.String()
}

// mdText escapes what Markdown would read as markup. Texts are sentences,
// so only the characters that start emphasis, links, code, HTML or (in a
// table) a new cell need it.
func mdText(s string, inTable bool) string {
	r := []string{`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`}
	if inTable {
		r = append(r, "|", `\|`)
	}
	return strings.NewReplacer(r...).Replace(s)
}

// mdCode is a code span that survives backticks in the value and, in GFM
// tables, pipes (which end a cell even inside code unless escaped).
func mdCode(s string, inTable bool) string {
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
