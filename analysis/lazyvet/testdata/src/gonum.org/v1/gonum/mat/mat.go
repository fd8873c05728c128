package mat

type Dense struct{ data []float64 }
