package cli

// MaskURLPasswords exposes maskURLPasswords to the tests.
var MaskURLPasswords = maskURLPasswords
