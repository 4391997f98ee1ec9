^XA
^FO40,80^BXN,6,200^FD<script>alert(1)</script>^FS
^FO40,200^A0N,24,24^FD<b>Acme</b> & co^FS
^XZ
