// Package architecture holds no code: its test checks the import rules of
// ARCHITECTURE.md (the "Import rules" table) against what the packages'
// non-test files import, directly or indirectly.
package architecture
