package pdf417
