package main

import "math"

// truthLine is one photo's line of truth.jsonl, with the fields and
// conventions of the shared box-label set.
type truthLine struct {
	File           string         `json:"file"`
	Width          int            `json:"width"`
	Height         int            `json:"height"`
	Brand          string         `json:"brand"`
	Model          string         `json:"model"`
	GTIN           string         `json:"gtin"`
	ExpectedRule   string         `json:"expected_rule"`
	Serial         *string        `json:"serial"`
	SerialRule     *string        `json:"serial_rule"`
	SerialBarcode  *int           `json:"serial_barcode"`
	SerialAlsoIn   []int          `json:"serial_also_in"`
	LabelMM        [2]float64     `json:"label_mm"`
	LabelCornersPx [4][2]float64  `json:"label_corners_px"`
	Barcodes       []truthBarcode `json:"barcodes"`
	Degradations   degradations   `json:"degradations"`
}

type truthBarcode struct {
	ID                int           `json:"id"`
	Role              string        `json:"role"`
	Kind              string        `json:"kind,omitempty"`
	Symbology         string        `json:"symbology"`
	Text              string        `json:"text"`
	Aim               string        `json:"aim"`
	GS1               bool          `json:"gs1"`
	HRI               string        `json:"hri,omitempty"`
	ContainsSerial    bool          `json:"contains_serial"`
	MatchesRules      []string      `json:"matches_rules"`
	CornersPx         [4][2]float64 `json:"corners_px"`
	ModulePx          float64       `json:"module_px"`
	ModuleMM          float64       `json:"module_mm"`
	Modules           [2]int        `json:"modules"`
	HeightPx          float64       `json:"height_px"`
	QuietZoneModules  *[2]float64   `json:"quiet_zone_modules,omitempty"`
	AxisDeg           float64       `json:"axis_deg"`
	ScanlineOverlapPx *float64      `json:"scanline_overlap_px,omitempty"`
}

type degradations struct {
	Frame           string   `json:"frame"`
	AnyAngle        bool     `json:"any_angle"`
	RotationDeg     float64  `json:"rotation_deg"`
	TiltXDeg        float64  `json:"tilt_x_deg"`
	TiltYDeg        float64  `json:"tilt_y_deg"`
	HFOVDeg         float64  `json:"hfov_deg"`
	LabelCoverage   float64  `json:"label_coverage"`
	PxPerMM         float64  `json:"px_per_mm"`
	SerialModulePx  *float64 `json:"serial_module_px"`
	MinModulePx     float64  `json:"min_module_px"`
	TargetModulePx  float64  `json:"target_module_px"`
	TightQuietZones bool     `json:"tight_quiet_zones"`
	InkSpread       float64  `json:"ink_spread"`
	DroppedToFit    []string `json:"dropped_to_fit"`
	RelaxedToFit    []string `json:"relaxed_to_fit"`
	Scene           scene    `json:"scene"`
	Photo           photo    `json:"photo"`
}

type scene struct {
	Surface       string  `json:"surface"`
	Flutes        bool    `json:"flutes"`
	Tape          bool    `json:"tape"`
	BoxEdge       bool    `json:"box_edge"`
	LabelShadow   float64 `json:"label_shadow"`
	LabelTemplate string  `json:"label_template"`
	LabelModule   int     `json:"label_module_px"`
	Supersampling int     `json:"supersampling"`
}

type gradient struct {
	AngleDeg float64 `json:"angle_deg"`
	Strength float64 `json:"strength"`
}

type shadowBand struct {
	PointPx  [2]float64 `json:"point_px"`
	AngleDeg float64    `json:"angle_deg"`
	Factor   float64    `json:"factor"`
	SoftPx   float64    `json:"soft_px"`
}

type glare struct {
	CenterPx       [2]float64 `json:"center_px"`
	SigmaPx        [2]float64 `json:"sigma_px"`
	AngleDeg       float64    `json:"angle_deg"`
	Peak           float64    `json:"peak"`
	Flatness       float64    `json:"flatness"`
	PeakOverSerial float64    `json:"peak_over_serial"`
}

type motion struct {
	LengthPx float64 `json:"length_px"`
	AngleDeg float64 `json:"angle_deg"`
}

type photo struct {
	LightingGradient *gradient   `json:"lighting_gradient"`
	Vignette         float64     `json:"vignette"`
	ShadowBand       *shadowBand `json:"shadow_band"`
	ColorGainRGB     [3]float64  `json:"color_gain_rgb"`
	Glare            *glare      `json:"glare"`
	BlurSigma        float64     `json:"blur_sigma"`
	MotionBlur       *motion     `json:"motion_blur"`
	ExposureGain     float64     `json:"exposure_gain"`
	Contrast         float64     `json:"contrast"`
	BlackLift        float64     `json:"black_lift"`
	Gamma            float64     `json:"gamma"`
	NoiseReadSigma   float64     `json:"noise_read_sigma"`
	NoiseShotK       float64     `json:"noise_shot_k"`
	NoiseSigmaAt128  float64     `json:"noise_sigma_at_128"`
	SharpenAmount    float64     `json:"sharpen_amount"`
	JPEGQuality      int         `json:"jpeg_quality"`
}

func r3(v float64) float64 { return math.Round(v*1000) / 1000 }

func r3q(q [4][2]float64) [4][2]float64 {
	for i := range q {
		q[i][0], q[i][1] = r3(q[i][0]), r3(q[i][1])
	}
	return q
}
