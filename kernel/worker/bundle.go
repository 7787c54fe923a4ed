package worker

import "strings"

// helpRequest recognises a help cell such as `fmt.Println?` or `?strings`.
func helpRequest(code string) (name string, ok bool) {
	code = strings.TrimSpace(code)
	if strings.Contains(code, "\n") || len(code) < 2 {
		return "", false
	}
	switch {
	case strings.HasSuffix(code, "?"):
		name = strings.TrimRight(code, "?")
	case strings.HasPrefix(code, "?"):
		name = strings.TrimLeft(code, "?")
	default:
		return "", false
	}
	for _, r := range name {
		if !(r == '.' || r == '_' || r == '/' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return "", false
		}
	}
	return name, name != ""
}
